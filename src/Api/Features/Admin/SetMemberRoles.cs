using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Identity;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Admin;

public static class SetMemberRoles
{
    /// <summary>The roles the member should hold; "member" is implied for every account.</summary>
    public sealed record Request([Required] List<string>? Roles);

    public sealed record Response(Guid MemberId, IReadOnlyList<string> Roles);

    public sealed class Handler(AppDbContext db, UserManager<AppUser> users, TimeProvider time, Auth.RoleCache roleCache)
    {
        public async Task<Result<Response>> HandleAsync(ClaimsPrincipal admin, Guid memberId, Request request, CancellationToken cancellationToken)
        {
            if (request.Roles is null)
                return Error.Validation("roles.invalid", new Dictionary<string, string[]> { ["roles"] = ["Required."] });
            var wanted = request.Roles.Select(r => r.Trim().ToLowerInvariant()).Distinct().ToList();
            if (wanted.FirstOrDefault(r => !Roles.IsKnown(r)) is { } unknown) return MemberErrors.UnknownRole(unknown);
            wanted.Remove(Roles.Member);

            var adminId = admin.RequiredMemberId();
            if (memberId == adminId && !wanted.Contains(Roles.Admin)) return MemberErrors.CannotRemoveOwnAdminRole;

            var user = await users.FindByIdAsync(memberId.ToString());
            if (user is null) return MemberErrors.MemberNotFound;

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var current = await users.GetRolesAsync(user);
            var toAdd = wanted.Except(current).ToList();
            var toRemove = current.Except(wanted).ToList();
            if (toAdd.Count > 0) Ensure(await users.AddToRolesAsync(user, toAdd));
            if (toRemove.Count > 0)
            {
                Ensure(await users.RemoveFromRolesAsync(user, toRemove));
                // Their sessions end: whatever was opened with the role's rights is signed in again without it.
                Ensure(await users.UpdateSecurityStampAsync(user));
            }
            db.AuditEntries.Add(new AuditEntry(adminId, "member.roles_set", "member", memberId, time.GetUtcNow(),
                wanted.Count == 0 ? "member" : string.Join(',', wanted.Order()), subjectId: memberId));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            roleCache.Forget();
            return new Response(memberId, [Roles.Member, .. wanted.Order()]);
        }

        private static void Ensure(IdentityResult result)
        {
            if (!result.Succeeded) throw new InvalidOperationException("Changing roles failed: " + string.Join(", ", result.Errors.Select(e => e.Code)));
        }
    }
}
