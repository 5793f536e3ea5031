using System.Security.Cryptography;
using Assemble.Domain.Auditing;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Identity;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;

namespace Assemble.Api.Hosting;

/// <summary>Creates accounts outside the sign-up flow: the first admin and the demo members. Passwords are random, never in code.</summary>
public sealed class AccountBootstrap(UserManager<AppUser> users, AppDbContext db, TimeProvider time, Auth.RoleCache roleCache)
{
    /// <summary>Makes the account an admin, creating it (e-mail confirmed) when missing. Returns the new password, or null when the account existed.</summary>
    public async Task<string?> EnsureAdminAsync(string email)
    {
        var (user, password) = await EnsureAccountAsync(email);
        if (!await users.IsInRoleAsync(user, Roles.Admin))
        {
            Ensure(await users.AddToRoleAsync(user, Roles.Admin));
            db.AuditEntries.Add(new AuditEntry(null, "member.admin_bootstrapped", "member", user.Id, time.GetUtcNow(), subjectId: user.Id));
            await db.SaveChangesAsync();
            roleCache.Forget();
        }
        return password;
    }

    /// <summary>Finds the account or creates it with a random password and a confirmed e-mail.</summary>
    public async Task<(AppUser User, string? Password)> EnsureAccountAsync(string email)
    {
        var existing = await users.FindByEmailAsync(email);
        if (existing is not null) return (existing, null);
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = time.GetUtcNow() };
        var password = NewPassword();
        Ensure(await users.CreateAsync(user, password));
        return (user, password);
    }

    /// <summary>16 random characters from an unambiguous alphabet (about 90 bits).</summary>
    public static string NewPassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return string.Create(16, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        });
    }

    private static void Ensure(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException("Account bootstrap failed: " + string.Join(", ", result.Errors.Select(e => e.Code)));
    }
}
