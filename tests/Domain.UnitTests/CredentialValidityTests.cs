using Assemble.Domain.Credentials;
using Xunit;

namespace Assemble.Domain.UnitTests;

public sealed class CredentialValidityTests
{
    private static readonly DateOnly Today = new(2026, 11, 22);

    public static TheoryData<CredentialStatus, int?, bool> Cases => new()
    {
        { CredentialStatus.Verified, null, true },
        { CredentialStatus.Verified, 1, true },
        { CredentialStatus.Verified, 0, true },
        { CredentialStatus.Verified, -1, false },
        { CredentialStatus.Pending, null, false },
        { CredentialStatus.Pending, 1, false },
        { CredentialStatus.Rejected, null, false },
        { CredentialStatus.Expired, 1, false },
        { CredentialStatus.Revoked, null, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Holds_WhileVerifiedAndNotPastExpiry(CredentialStatus status, int? expiresInDays, bool valid)
    {
        var expiresOn = expiresInDays is { } d ? Today.AddDays(d) : (DateOnly?)null;
        Assert.Equal(valid, CredentialValidity.Holds(status, expiresOn, Today));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void On_AsAFilterInMemory_AgreesWithHolds(CredentialStatus status, int? expiresInDays, bool valid)
    {
        var credential = Make(status, expiresInDays is { } d ? Today.AddDays(d) : null);
        Assert.Equal(valid, CredentialValidity.On(Today).Compile()(credential));
        Assert.Equal(valid, credential.IsValidOn(Today));
    }

    [Fact]
    public void StatusOn_AVerifiedCredentialNoLongerValid_ReadsAsExpired()
    {
        Assert.Equal(CredentialStatus.Expired, Make(CredentialStatus.Verified, Today.AddDays(-1)).StatusOn(Today));
        Assert.Equal(CredentialStatus.Verified, Make(CredentialStatus.Verified, Today).StatusOn(Today));
    }

    /// <summary>A credential in <paramref name="status"/>, submitted and decided long enough ago for any expiry date.</summary>
    internal static Credential Make(CredentialStatus status, DateOnly? expiresOn)
    {
        var then = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var admin = Guid.NewGuid();
        var c = Credential.Submit(Guid.NewGuid(), Members.Profession.Nurse, "1", "厚生労働省", expiresOn, then).Value!;
        switch (status)
        {
            case CredentialStatus.Verified: c.Verify(admin, then); break;
            case CredentialStatus.Rejected: c.Reject(admin, "番号が登録簿にない", then); break;
            case CredentialStatus.Revoked: c.Verify(admin, then); c.Revoke(admin, "登録抹消", then); break;
            case CredentialStatus.Expired: c.Verify(admin, then); c.MarkExpired(expiresOn!.Value.AddDays(1)); break;
        }
        Assert.Equal(status, c.Status);
        return c;
    }
}
