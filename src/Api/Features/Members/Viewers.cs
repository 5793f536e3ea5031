using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Credentials;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Members;

/// <summary>Decides what a caller is relative to a member's profile, which decides the fields they see.</summary>
public sealed class Viewers(AppDbContext db, TimeProvider time)
{
    /// <summary>The caller's level towards others' profiles: anonymous, member, verified professional, or owner-level for admins.</summary>
    public async Task<ViewerLevel> LevelOfAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (user.MemberId() is not { } id) return ViewerLevel.Anonymous;
        if (user.IsAdmin()) return ViewerLevel.Owner;
        return await IsVerifiedProfessionalAsync(id, cancellationToken) ? ViewerLevel.VerifiedProfessional : ViewerLevel.Member;
    }

    public async Task<ViewerLevel> LevelTowardsAsync(ClaimsPrincipal user, Guid profileId, CancellationToken cancellationToken)
        => user.MemberId() == profileId ? ViewerLevel.Owner : await LevelOfAsync(user, cancellationToken);

    public Task<bool> IsVerifiedProfessionalAsync(Guid memberId, CancellationToken cancellationToken)
    {
        var today = Today();
        return db.Credentials.Where(CredentialValidity.On(today)).AnyAsync(c => c.MemberId == memberId, cancellationToken);
    }

    /// <summary>Verified professions per member, for a page of members in one query.</summary>
    public async Task<Dictionary<Guid, IReadOnlyList<Profession>>> VerifiedProfessionsAsync(IReadOnlyCollection<Guid> memberIds, CancellationToken cancellationToken)
    {
        var today = Today();
        var rows = await db.Credentials.AsNoTracking()
            .Where(CredentialValidity.On(today))
            .Where(c => memberIds.Contains(c.MemberId))
            .Select(c => new { c.MemberId, c.Kind })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.MemberId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Profession>)g.Select(r => r.Kind).Distinct().Order().ToList());
    }

    public DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
