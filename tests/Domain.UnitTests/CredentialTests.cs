using Assemble.Domain.Common;
using Assemble.Domain.Credentials;
using Assemble.Domain.Members;
using Xunit;

namespace Assemble.Domain.UnitTests;

public sealed class CredentialTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 11, 22);
    private static readonly Guid Admin = Guid.NewGuid();

    private static Credential Pending(DateOnly? expiresOn = null, Profession kind = Profession.ClinicalPsychologist)
        => Credential.Submit(Guid.NewGuid(), kind, "第12345号", "日本臨床心理士資格認定協会", expiresOn, Now).Value!;

    [Fact]
    public void Submit_IsPendingWithTrimmedFields()
    {
        var c = Credential.Submit(Guid.NewGuid(), Profession.Nurse, "  123  ", " 厚生労働省 ", null, Now).Value!;
        Assert.Equal(CredentialStatus.Pending, c.Status);
        Assert.Equal("123", c.RegistrationNumber);
        Assert.Equal("厚生労働省", c.Issuer);
    }

    [Fact]
    public void Submit_WhenAlreadyExpired_ReturnsExpired()
    {
        var result = Credential.Submit(Guid.NewGuid(), Profession.Nurse, "1", "x", Today.AddDays(-1), Now);
        Assert.Equal("credential.expired", result.Error!.Code);
        Assert.Equal(ErrorKind.Rule, result.Error.Kind);
    }

    [Fact]
    public void Submit_WithBlankOrOversizeFields_NamesEachField()
    {
        var result = Credential.Submit(Guid.NewGuid(), Profession.Nurse, " ", new string('x', 201), null, Now);
        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.True(result.Error.Fields.ContainsKey("registrationNumber"));
        Assert.True(result.Error.Fields.ContainsKey("issuer"));
    }

    [Fact]
    public void Verify_WhenPending_VerifiesAndRecordsWhoAndWhen()
    {
        var c = Pending();
        Assert.True(c.Verify(Admin, Now).IsSuccess);
        Assert.Equal(CredentialStatus.Verified, c.Status);
        Assert.Equal(Admin, c.DecidedBy);
        Assert.Equal(Now, c.DecidedAt);
    }

    [Fact]
    public void Verify_WhenAlreadyDecided_ReturnsAlreadyDecided()
    {
        var c = Pending();
        c.Reject(Admin, "番号不一致", Now);
        var result = c.Verify(Admin, Now);
        Assert.Equal("credential.already_decided", result.Error!.Code);
        Assert.Equal(ErrorKind.Conflict, result.Error.Kind);
        Assert.Equal(CredentialStatus.Rejected, c.Status);
    }

    [Fact]
    public void Verify_WhenExpiredWhilePending_ReturnsExpired()
    {
        var c = Pending(expiresOn: Today);
        Assert.Equal("credential.expired", c.Verify(Admin, Now.AddDays(1)).Error!.Code);
        Assert.Equal(CredentialStatus.Pending, c.Status);
    }

    [Fact]
    public void Reject_WithoutReason_ReturnsReasonRequired()
    {
        var c = Pending();
        var result = c.Reject(Admin, "  ", Now);
        Assert.True(result.Error!.Fields.ContainsKey("reason"));
        Assert.Equal(CredentialStatus.Pending, c.Status);
    }

    [Fact]
    public void StatusOn_AfterExpiry_ReadsExpiredAndNoLongerCounts()
    {
        var c = Pending(expiresOn: Today.AddDays(10));
        c.Verify(Admin, Now);
        Assert.True(c.IsValidOn(Today.AddDays(10)));
        Assert.Equal(CredentialStatus.Expired, c.StatusOn(Today.AddDays(11)));
        Assert.Empty(Credential.VerifiedProfessions([c], Today.AddDays(11)));
    }

    [Fact]
    public void VerifiedProfessions_CountsOnlyVerifiedUnexpiredKinds_Once()
    {
        var verified = Pending(kind: Profession.Psychiatrist);
        verified.Verify(Admin, Now);
        var again = Pending(kind: Profession.Psychiatrist);
        again.Verify(Admin, Now);
        var pending = Pending(kind: Profession.Nurse);
        var rejected = Pending(kind: Profession.Coach);
        rejected.Reject(Admin, "x", Now);
        Assert.Equal([Profession.Psychiatrist], Credential.VerifiedProfessions([verified, again, pending, rejected], Today));
    }

    [Fact]
    public void MarkExpired_OnlyAfterTheDate()
    {
        var c = Pending(expiresOn: Today);
        c.Verify(Admin, Now);
        c.MarkExpired(Today);
        Assert.Equal(CredentialStatus.Verified, c.Status);
        c.MarkExpired(Today.AddDays(1));
        Assert.Equal(CredentialStatus.Expired, c.Status);
        Assert.False(c.IsOpenOn(Today.AddDays(1)));
    }

    [Fact]
    public void Revoke_OnlyAVerifiedCredential_WithAReason_AndItStopsCounting()
    {
        var c = Pending();
        Assert.Equal("credential.not_verified", c.Revoke(Admin, "reason", Now).Error!.Code);
        c.Verify(Admin, Now);
        Assert.Equal("credential.invalid", c.Revoke(Admin, "  ", Now).Error!.Code);
        Assert.True(c.Revoke(Admin, "登録抹消", Now).IsSuccess);
        Assert.Equal(CredentialStatus.Revoked, c.Status);
        Assert.False(c.IsValidOn(Today));
        Assert.Empty(Credential.VerifiedProfessions([c], Today));
        Assert.Equal("credential.not_verified", c.Revoke(Admin, "again", Now).Error!.Code);
    }
}
