using System.Text;
using Assemble.Infrastructure.Payments;
using Stripe;
using Xunit;
using Check = Assemble.Infrastructure.Payments.StripeWebhookVerifier.Check;

namespace Assemble.Api.UnitTests;

/// <summary>The webhook's verification is Stripe.net's; these pin what we rely on, starting from stripe-node's test vector.</summary>
public sealed class StripeWebhookVerifierTests
{
    private const string Secret = "whsec_test_secret";
    private static readonly DateTimeOffset Signed = DateTimeOffset.FromUnixTimeSeconds(1700000000);
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    private static readonly string Body = "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"checkout.session.completed\",\"api_version\":\"" + StripeConfiguration.ApiVersion
        + "\",\"data\":{\"object\":{\"id\":\"cs_test_1\",\"object\":\"checkout.session\",\"client_reference_id\":\"登録\",\"payment_status\":\"paid\",\"payment_intent\":\"pi_1\"}}}";

    private static string Sign(string body, string secret = Secret, DateTimeOffset? at = null)
        => EventUtility.GenerateSignatureHeader(body, secret, (at ?? Signed).ToUnixTimeSeconds());

    private static (Check Check, Event? Event) Verify(string body, string? header, IReadOnlyList<string>? secrets = null, DateTimeOffset? now = null)
        => StripeWebhookVerifier.Verify(Encoding.UTF8.GetBytes(body), header, secrets ?? [Secret], now ?? Signed, Tolerance);

    [Fact]
    public void The_pinned_api_version_is_the_one_the_readme_names()
        => Assert.Equal("2026-10-28.endive", StripeConfiguration.ApiVersion);

    [Fact]
    public void Verify_TheFixedTestVector_PassesTheSignatureAndStripeNetSignsItTheSame()
    {
        const string vector = "{\"id\":\"evt_test_vector\",\"object\":\"event\",\"type\":\"checkout.session.completed\"}";
        const string header = "t=1700000000,v1=551de5831715b7f1153082aca2d8d7e4c5031e13777e1e0a939f5c26e407e34d";
        EventUtility.ValidateSignature(vector, header, Secret, 300, Signed.AddSeconds(10).ToUnixTimeSeconds());
        Assert.Equal(header, Sign(vector));
        // Authentic, but it names no API version: refused after the signature, never read.
        Assert.Equal(Check.OtherApiVersion, Verify(vector, header, now: Signed.AddSeconds(10)).Check);
    }

    [Fact]
    public void Verify_AnEventSignedWithAConfiguredSecret_IsValidAndTyped()
    {
        var (check, stripeEvent) = Verify(Body, Sign(Body));
        Assert.Equal(Check.Valid, check);
        Assert.Equal("evt_1", stripeEvent!.Id);
        var session = Assert.IsType<Stripe.Checkout.Session>(stripeEvent.Data.Object);
        Assert.Equal("登録", session.ClientReferenceId);
        Assert.Equal("pi_1", session.PaymentIntentId);
    }

    [Fact]
    public void Verify_WithTheWrongSecret_IsBadSignature()
        => Assert.Equal(Check.BadSignature, Verify(Body, Sign(Body, "whsec_test_secret"), ["whsec_other"]).Check);

    [Fact]
    public void Verify_ATamperedBody_IsBadSignature()
        => Assert.Equal(Check.BadSignature, Verify(Body.Replace("\"paid\"", "\"unpaid\""), Sign(Body)).Check);

    [Fact]
    public void Verify_ATimestampOutsideTheTolerance_IsBadSignature()
    {
        Assert.Equal(Check.Valid, Verify(Body, Sign(Body), now: Signed.AddSeconds(300)).Check);
        Assert.Equal(Check.BadSignature, Verify(Body, Sign(Body), now: Signed.AddSeconds(301)).Check);
        // Stripe.net also refuses one from the future.
        Assert.Equal(Check.BadSignature, Verify(Body, Sign(Body), now: Signed.AddSeconds(-301)).Check);
    }

    [Fact]
    public void Verify_TwoV1ValuesAfterARotation_AcceptsEitherConfiguredSecret()
    {
        var oldSignature = Sign(Body, "whsec_old").Split(",v1=")[1];
        var newSignature = Sign(Body, "whsec_new").Split(",v1=")[1];
        var header = $"t=1700000000,v1={oldSignature},v1={newSignature}";
        Assert.Equal(Check.Valid, Verify(Body, header, ["whsec_new"]).Check);
        Assert.Equal(Check.Valid, Verify(Body, header, ["whsec_old"]).Check);
        Assert.Equal(Check.Valid, Verify(Body, Sign(Body, "whsec_new"), ["whsec_old", "whsec_new"]).Check);
        Assert.Equal(Check.BadSignature, Verify(Body, header, ["whsec_neither"]).Check);
        Assert.Equal(Check.BadSignature, Verify(Body, header, []).Check);
    }

    [Fact]
    public void Verify_AFakeV0Alone_IsRefused()
    {
        var v0 = Sign(Body).Split(",v1=")[1];
        Assert.Equal(Check.BadSignature, Verify(Body, $"t=1700000000,v0={v0}").Check);
    }

    [Theory]
    [InlineData(null, Check.MissingHeader)]
    [InlineData("", Check.MissingHeader)]
    [InlineData("garbage", Check.BadSignature)]
    [InlineData("v1=abc", Check.BadSignature)]
    [InlineData("t=notanumber,v1=551de5831715b7f1153082aca2d8d7e4c5031e13777e1e0a939f5c26e407e34d", Check.BadSignature)]
    public void Verify_AMissingOrMalformedHeader_IsRefused(string? header, Check expected)
        => Assert.Equal(expected, Verify(Body, header).Check);

    [Theory]
    [InlineData("2025-03-31.basil", Check.OtherApiVersion)]
    [InlineData("2027-04-28.fennel", Check.OtherApiVersion)]
    [InlineData("2020-08-27", Check.OtherApiVersion)]
    [InlineData("2026-12-16.endive", Check.Valid)]
    public void Verify_AnEventOfAnotherApiVersion_IsValidOnlyOnOurReleaseTrain(string apiVersion, Check expected)
    {
        var body = Body.Replace(StripeConfiguration.ApiVersion, apiVersion);
        var (check, stripeEvent) = Verify(body, Sign(body));
        Assert.Equal(expected, check);
        Assert.Equal(apiVersion, stripeEvent!.ApiVersion);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"object\":\"event\"}")]
    public void Verify_ASignedBodyThatIsNoEvent_IsMalformed(string body)
        => Assert.Equal(Check.Malformed, Verify(body, Sign(body)).Check);
}
