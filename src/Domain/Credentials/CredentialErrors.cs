using Assemble.Domain.Common;

namespace Assemble.Domain.Credentials;

public static class CredentialErrors
{
    public static readonly Error NotFound = new("credential.not_found", "No such credential.", ErrorKind.NotFound);

    public static readonly Error AlreadyExpired = new("credential.expired", "The credential's expiry date has passed.", ErrorKind.Rule);

    public static readonly Error AlreadySubmitted = new(
        "credential.already_submitted",
        "A credential of this kind is already pending or verified for this member.",
        ErrorKind.Conflict);

    public static Error NotRevocable(CredentialStatus status) => new(
        "credential.not_verified",
        $"Only a verified credential can be revoked; this one is {status.ToString().ToLowerInvariant()}.",
        ErrorKind.Conflict);

    public static Error AlreadyDecided(CredentialStatus status) => new(
        "credential.already_decided",
        $"The credential is already {status.ToString().ToLowerInvariant()}.",
        ErrorKind.Conflict);
}
