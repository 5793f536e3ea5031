using Assemble.Domain.Common;
using Assemble.Domain.Members;

namespace Assemble.Domain.Credentials;

public enum CredentialStatus
{
    Pending,
    Verified,
    Rejected,
    Expired,
    /// <summary>Withdrawn by an admin after it was verified (struck off the register, found to be false): it stops counting at once.</summary>
    Revoked,
}

/// <summary>
/// A professional licence or certificate a member submits and an admin checks against the public register.
/// Verified, unexpired credentials are what make a member a verified professional.
/// </summary>
public sealed class Credential
{
    public const int RegistrationNumberMaxLength = 50;
    public const int IssuerMaxLength = 200;
    public const int ReasonMaxLength = 500;

    private Credential() { }

    public Guid Id { get; private set; }
    public Guid MemberId { get; private set; }
    public Profession Kind { get; private set; }
    /// <summary>Shown to its owner and admins only; never logged.</summary>
    public string RegistrationNumber { get; private set; } = "";
    public string Issuer { get; private set; } = "";
    public DateOnly? ExpiresOn { get; private set; }
    public CredentialStatus Status { get; private set; }
    public DateTimeOffset SubmittedAt { get; private set; }
    public DateTimeOffset? DecidedAt { get; private set; }
    public Guid? DecidedBy { get; private set; }
    public string? RejectionReason { get; private set; }

    public static Result<Credential> Submit(Guid memberId, Profession kind, string registrationNumber, string issuer, DateOnly? expiresOn, DateTimeOffset now)
    {
        if (memberId == Guid.Empty) throw new ArgumentException("A credential belongs to a member.", nameof(memberId));
        var errors = new Dictionary<string, string[]>();
        var number = registrationNumber.Trim();
        var issuedBy = issuer.Trim();
        if (number.Length == 0) errors["registrationNumber"] = ["Enter the registration number."];
        else if (number.Length > RegistrationNumberMaxLength) errors["registrationNumber"] = [$"Use at most {RegistrationNumberMaxLength} characters."];
        if (issuedBy.Length == 0) errors["issuer"] = ["Enter who issued the credential."];
        else if (issuedBy.Length > IssuerMaxLength) errors["issuer"] = [$"Use at most {IssuerMaxLength} characters."];
        if (!Enum.IsDefined(kind)) errors["kind"] = ["Unknown credential kind."];
        if (errors.Count > 0) return Error.Validation("credential.invalid", errors);

        if (CredentialValidity.HasLapsed(expiresOn, DateOnly.FromDateTime(now.UtcDateTime)))
            return CredentialErrors.AlreadyExpired;

        return new Credential
        {
            Id = Guid.CreateVersion7(now),
            MemberId = memberId,
            Kind = kind,
            RegistrationNumber = number,
            Issuer = issuedBy,
            ExpiresOn = expiresOn,
            Status = CredentialStatus.Pending,
            SubmittedAt = now,
        };
    }

    /// <summary>The status as of <paramref name="today"/>: a verified credential past its expiry date reads as expired.</summary>
    public CredentialStatus StatusOn(DateOnly today)
        => Status == CredentialStatus.Verified && !IsValidOn(today) ? CredentialStatus.Expired : Status;

    /// <summary>See <see cref="CredentialValidity"/>.</summary>
    public bool IsValidOn(DateOnly today) => CredentialValidity.Holds(Status, ExpiresOn, today);

    /// <summary>Whether this credential still stands in the way of submitting another of the same kind.</summary>
    public bool IsOpenOn(DateOnly today) => StatusOn(today) is CredentialStatus.Pending or CredentialStatus.Verified;

    public Result Verify(Guid adminId, DateTimeOffset now)
    {
        if (Status != CredentialStatus.Pending) return CredentialErrors.AlreadyDecided(Status);
        if (CredentialValidity.HasLapsed(ExpiresOn, DateOnly.FromDateTime(now.UtcDateTime))) return CredentialErrors.AlreadyExpired;
        Status = CredentialStatus.Verified;
        DecidedAt = now;
        DecidedBy = adminId;
        return Result.Success();
    }

    public Result Reject(Guid adminId, string reason, DateTimeOffset now)
    {
        var trimmed = reason.Trim();
        if (trimmed.Length == 0) return Error.Validation("credential.invalid", new Dictionary<string, string[]> { ["reason"] = ["Say why the credential is rejected."] });
        if (trimmed.Length > ReasonMaxLength) return Error.Validation("credential.invalid", new Dictionary<string, string[]> { ["reason"] = [$"Use at most {ReasonMaxLength} characters."] });
        if (Status != CredentialStatus.Pending) return CredentialErrors.AlreadyDecided(Status);
        Status = CredentialStatus.Rejected;
        RejectionReason = trimmed;
        DecidedAt = now;
        DecidedBy = adminId;
        return Result.Success();
    }

    /// <summary>An admin withdraws a verified credential, with a reason the member is told; everything it unlocked (the directory listing, verified-only events) stops at once.</summary>
    public Result Revoke(Guid adminId, string reason, DateTimeOffset now)
    {
        var trimmed = reason.Trim();
        if (trimmed.Length == 0) return Error.Validation("credential.invalid", new Dictionary<string, string[]> { ["reason"] = ["Say why the credential is revoked."] });
        if (trimmed.Length > ReasonMaxLength) return Error.Validation("credential.invalid", new Dictionary<string, string[]> { ["reason"] = [$"Use at most {ReasonMaxLength} characters."] });
        if (Status != CredentialStatus.Verified) return CredentialErrors.NotRevocable(Status);
        Status = CredentialStatus.Revoked;
        RejectionReason = trimmed;
        DecidedAt = now;
        DecidedBy = adminId;
        return Result.Success();
    }

    /// <summary>Records that a verified credential has passed its expiry date, so a renewed one can be submitted.</summary>
    public void MarkExpired(DateOnly today)
    {
        if (StatusOn(today) != CredentialStatus.Expired || Status == CredentialStatus.Expired) return;
        Status = CredentialStatus.Expired;
    }

    /// <summary>The professions a member is verified in: kinds of their verified credentials not yet expired.</summary>
    public static IReadOnlyList<Profession> VerifiedProfessions(IEnumerable<Credential> credentials, DateOnly today)
        => credentials.Where(c => c.IsValidOn(today)).Select(c => c.Kind).Distinct().Order().ToList();
}
