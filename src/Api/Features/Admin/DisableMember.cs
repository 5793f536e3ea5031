using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Identity;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;

namespace Assemble.Api.Features.Admin;

/// <summary>
/// An admin disables an account (it can no longer sign in, and every session it has ends on its next request) or
/// enables it again. Audited; an admin cannot disable their own account.
/// </summary>
public static class DisableMember
{
    public sealed record Response(Guid MemberId, bool Disabled);

    public static readonly Error CannotDisableSelf = new("member.cannot_disable_self", "An admin cannot disable their own account.", ErrorKind.Rule);

    public sealed class Handler(AppDbContext db, UserManager<AppUser> users, TimeProvider time)
    {
        public async Task<Result<Response>> HandleAsync(ClaimsPrincipal admin, Guid memberId, bool disable, CancellationToken cancellationToken)
        {
            var adminId = admin.RequiredMemberId();
            if (disable && memberId == adminId) return CannotDisableSelf;
            var user = await users.FindByIdAsync(memberId.ToString());
            if (user is null) return MemberErrors.MemberNotFound;

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            Ensure(await users.SetLockoutEnabledAsync(user, true));
            Ensure(await users.SetLockoutEndDateAsync(user, disable ? DateTimeOffset.MaxValue : null));
            if (disable) Ensure(await users.UpdateSecurityStampAsync(user));
            db.AuditEntries.Add(new AuditEntry(adminId, disable ? "member.disabled" : "member.enabled", "member", memberId, time.GetUtcNow()));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new Response(memberId, disable);
        }

        private static void Ensure(IdentityResult result)
        {
            if (!result.Succeeded) throw new InvalidOperationException("Changing the account failed: " + string.Join(", ", result.Errors.Select(e => e.Code)));
        }
    }
}
