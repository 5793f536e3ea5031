using Assemble.Domain.Common;

namespace Assemble.Domain.Members;

public static class MemberErrors
{
    public static readonly Error ProfileNotFound = new("profile.not_found", "No such member profile.", ErrorKind.NotFound);
    public static readonly Error MemberNotFound = new("member.not_found", "No such member.", ErrorKind.NotFound);
    public static readonly Error InvalidPassword = new("auth.invalid_password", "The password is not correct.", ErrorKind.Rule);
    public static readonly Error LockedOut = new("auth.locked_out", "Too many wrong passwords: the account is locked for a while.", ErrorKind.Forbidden);
    public static Error PasswordRequired => Error.Validation("auth.password_required", new Dictionary<string, string[]> { ["password"] = ["Enter your password to confirm."] });
    public static readonly Error CannotRemoveOwnAdminRole = new("roles.cannot_remove_own_admin", "Admins cannot remove their own admin role.", ErrorKind.Rule);
    public static Error UnknownRole(string role) => Error.Validation("roles.unknown", new Dictionary<string, string[]> { ["roles"] = [$"Unknown role '{role}'."] });
}
