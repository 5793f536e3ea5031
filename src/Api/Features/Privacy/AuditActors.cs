using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Privacy;

/// <summary>
/// Who did something, as the member it concerns is shown them: <c>you</c>, <c>system</c>, or the role the actor holds
/// now (<c>admin</c>, <c>organizer</c>, <c>member</c>, <c>deletedMember</c>) with their display name unless their
/// profile is hidden. Never an e-mail address or an account id.
/// </summary>
public sealed record ActorView(string Role, string? DisplayName)
{
    public static readonly ActorView You = new("you", null);
    public static readonly ActorView System = new("system", null);
}

/// <summary>Describes the actors of audit lines for <see cref="ListMyAccessLog"/> and <see cref="ExportMyData"/>, in three queries for a page.</summary>
public sealed class AuditActors(AppDbContext db)
{
    public async Task<Func<Guid?, ActorView>> DescribeAsync(Guid me, IEnumerable<Guid?> actorIds, CancellationToken cancellationToken)
    {
        var ids = actorIds.OfType<Guid>().Where(id => id != me).Distinct().ToList();
        var roles = (await db.UserRoles.Where(ur => ids.Contains(ur.UserId)).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
                .ToListAsync(cancellationToken))
            .ToLookup(x => x.UserId, x => x.Name);
        var names = await db.MemberProfiles.AsNoTracking().Where(p => ids.Contains(p.Id) && !p.IsHidden)
            .ToDictionaryAsync(p => p.Id, p => p.DisplayName, cancellationToken);
        var deleted = (await db.Users.Where(u => ids.Contains(u.Id) && u.DeletedAt != null).Select(u => u.Id).ToListAsync(cancellationToken)).ToHashSet();
        return actorId => actorId switch
        {
            null => ActorView.System,
            { } id when id == me => ActorView.You,
            { } id when deleted.Contains(id) => new ActorView("deletedMember", null),
            { } id => new ActorView(
                roles[id].Contains(Roles.Admin) ? Roles.Admin : roles[id].Contains(Roles.Organizer) ? Roles.Organizer : Roles.Member,
                names.GetValueOrDefault(id)),
        };
    }
}
