using System.Security.Claims;
using Assemble.Domain.Common;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Members;

public static class GetMemberProfile
{
    public sealed class Handler(AppDbContext db, Viewers viewers)
    {
        /// <summary>A hidden profile, or one never filled in, is "not found" for everyone but its owner and admins.</summary>
        public async Task<Result<MemberProfileView>> HandleAsync(ClaimsPrincipal user, Guid memberId, CancellationToken cancellationToken)
        {
            var profile = await db.MemberProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.Id == memberId, cancellationToken);
            if (profile is null) return MemberErrors.ProfileNotFound;
            var viewer = await viewers.LevelTowardsAsync(user, memberId, cancellationToken);
            if (!profile.IsVisibleTo(viewer)) return MemberErrors.ProfileNotFound;
            var verified = await viewers.VerifiedProfessionsAsync([memberId], cancellationToken);
            return MemberProfileView.For(profile, verified.GetValueOrDefault(memberId) ?? [], viewer);
        }
    }
}
