using System.Text;
using Assemble.Infrastructure.Payments;
using Xunit;

namespace Assemble.Api.IntegrationTests.Unit;

public sealed class StripeSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"id\":\"evt_test_vector\",\"object\":\"event\",\"type\":\"checkout.session.completed\"}");
    private static readonly DateTimeOffset Signed = DateTimeOffset.FromUnixTimeSeconds(1700000000);
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    [Fact]
    public void Verify_TheFixedTestVector_IsValid()
    {
        const string header = "t=1700000000,v1=551de5831715b7f1153082aca2d8d7e4c5031e13777e1e0a939f5c26e407e34d";
        Assert.Equal(SignatureCheck.Valid, StripeSignature.Verify(header, Body, ["whsec_test_secret"], Signed.AddSeconds(10), Tolerance));
        Assert.Equal(header, StripeSignature.Sign(Body, "whsec_test_secret", Signed));
    }

    [Fact]
    public void Verify_WithTheWrongSecret_IsNoMatch()
        => Assert.Equal(SignatureCheck.NoMatch, StripeSignature.Verify(StripeSignature.Sign(Body, "whsec_test_secret", Signed), Body, ["whsec_other"], Signed, Tolerance));

    [Fact]
    public void Verify_ATamperedBody_IsNoMatch()
    {
        var tampered = Encoding.UTF8.GetBytes("{\"id\":\"evt_test_vector\",\"object\":\"event\",\"type\":\"checkout.session.expired\"}");
        Assert.Equal(SignatureCheck.NoMatch, StripeSignature.Verify(StripeSignature.Sign(Body, "whsec_test_secret", Signed), tampered, ["whsec_test_secret"], Signed, Tolerance));
    }

    [Fact]
    public void Verify_AStaleTimestamp_IsTooOld()
        => Assert.Equal(SignatureCheck.TooOld, StripeSignature.Verify(StripeSignature.Sign(Body, "whsec_test_secret", Signed), Body, ["whsec_test_secret"], Signed.AddSeconds(301), Tolerance));

    [Fact]
    public void Verify_TwoV1ValuesAfterARotation_AcceptsEitherConfiguredSecret()
    {
        var oldSignature = StripeSignature.Sign(Body, "whsec_old", Signed).Split(",v1=")[1];
        var newSignature = StripeSignature.Sign(Body, "whsec_new", Signed).Split(",v1=")[1];
        var header = $"t=1700000000,v1={oldSignature},v1={newSignature}";
        Assert.Equal(SignatureCheck.Valid, StripeSignature.Verify(header, Body, ["whsec_new"], Signed, Tolerance));
        Assert.Equal(SignatureCheck.Valid, StripeSignature.Verify(header, Body, ["whsec_old"], Signed, Tolerance));
        Assert.Equal(SignatureCheck.NoMatch, StripeSignature.Verify(header, Body, ["whsec_neither"], Signed, Tolerance));
    }

    [Fact]
    public void Verify_AFakeV0Alone_IsRefused()
    {
        var v0 = StripeSignature.Sign(Body, "whsec_test_secret", Signed).Split(",v1=")[1];
        Assert.Equal(SignatureCheck.Malformed, StripeSignature.Verify($"t=1700000000,v0={v0}", Body, ["whsec_test_secret"], Signed, Tolerance));
    }

    [Theory]
    [InlineData(null, SignatureCheck.MissingHeader)]
    [InlineData("", SignatureCheck.MissingHeader)]
    [InlineData("v1=abc", SignatureCheck.Malformed)]
    [InlineData("t=notanumber,v1=551de5831715b7f1153082aca2d8d7e4c5031e13777e1e0a939f5c26e407e34d", SignatureCheck.Malformed)]
    public void Verify_AMissingOrMalformedHeader_IsRefused(string? header, SignatureCheck expected)
        => Assert.Equal(expected, StripeSignature.Verify(header, Body, ["whsec_test_secret"], Signed, Tolerance));
}
