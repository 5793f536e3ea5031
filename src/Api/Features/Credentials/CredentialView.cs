using Assemble.Domain.Credentials;
using Assemble.Domain.Members;

namespace Assemble.Api.Features.Credentials;

/// <summary>A credential as its owner or an admin sees it (the only people who ever see the registration number).</summary>
public sealed record CredentialView(
    Guid Id,
    Guid MemberId,
    Profession Kind,
    string RegistrationNumber,
    string Issuer,
    DateOnly? ExpiresOn,
    CredentialStatus Status,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? DecidedAt,
    string? RejectionReason)
{
    public static CredentialView Of(Credential c, DateOnly today) => new(
        c.Id, c.MemberId, c.Kind, c.RegistrationNumber, c.Issuer, c.ExpiresOn, c.StatusOn(today),
        c.SubmittedAt, c.DecidedAt, c.RejectionReason);
}
