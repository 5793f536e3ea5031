using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Members;

public static class GetMemberProfile
{
    public sealed class Handler(AppDbContext db, Viewers viewers, TimeProvider time)
    {
        /// <summary>
        /// A hidden profile, or one never filled in, is "not found" for everyone but its owner and admins. An admin
        /// sees every field, "only me" ones too: that read goes to the member's access log.
        /// </summary>
        public async Task<Result<MemberProfileView>> HandleAsync(ClaimsPrincipal user, Guid memberId, CancellationToken cancellationToken)
        {
            var profile = await db.MemberProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.Id == memberId, cancellationToken);
            if (profile is null) return MemberErrors.ProfileNotFound;
            var viewer = await viewers.LevelTowardsAsync(user, memberId, cancellationToken);
            if (!profile.IsVisibleTo(viewer)) return MemberErrors.ProfileNotFound;
            if (viewer == ViewerLevel.Owner && user.MemberId() != memberId)
            {
                db.AuditEntries.Add(new AuditEntry(user.RequiredMemberId(), "profile.read", "member", memberId, time.GetUtcNow(), subjectId: memberId));
                await db.SaveChangesAsync(cancellationToken);
            }
            var verified = await viewers.VerifiedProfessionsAsync([memberId], cancellationToken);
            return MemberProfileView.For(profile, verified.GetValueOrDefault(memberId) ?? [], viewer);
        }
    }
}
