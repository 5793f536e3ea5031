using Microsoft.AspNetCore.Identity;

namespace Assemble.Infrastructure.Identity;

/// <summary>The sign-in account. The domain knows a member only by this account's id.</summary>
public sealed class AppUser : IdentityUser<Guid>
{
    public AppUser()
    {
        Id = Guid.CreateVersion7();
        SecurityStamp = Guid.NewGuid().ToString();
    }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// When <see cref="IdentityUser{TKey}.SecurityStamp"/> last changed (password changed or reset, signed out, role
    /// removed, account disabled): sessions issued before carry the old stamp and end on their next request.
    /// </summary>
    public DateTimeOffset? SecurityStampChangedAt { get; set; }

    /// <summary>
    /// When the member deleted the account. The row stays, anonymised (a pseudonym for e-mail and user name, no
    /// password, locked out for good), because payment records refer to it; nothing is mailed to it any more.
    /// </summary>
    public DateTimeOffset? DeletedAt { get; set; }
}
