using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Privacy;

public static class ListMyAccessLog
{
    /// <summary>One read, reveal or change of the caller's personal data by someone else.</summary>
    public sealed record Item(Guid Id, DateTimeOffset OccurredAt, string Action, string TargetType, Guid? TargetId, string? Detail, ActorView Actor);

    public sealed class Handler(AppDbContext db, AuditActors actors)
    {
        /// <summary>
        /// The audit lines whose subject is the caller and whose actor is another person (an admin reading a
        /// credential, an invited professional reading a request, a contact revealed), newest first. The caller is the
        /// only subject this can serve: nothing in the request names a member.
        /// </summary>
        public async Task<Page<Item>> HandleAsync(ClaimsPrincipal user, Guid? after, int take, CancellationToken cancellationToken)
        {
            var me = user.RequiredMemberId();
            var query = db.AuditEntries.AsNoTracking().Where(e => e.SubjectId == me && e.ActorId != null && e.ActorId != me);
            if (after is { } a) query = query.Where(e => e.Id.CompareTo(a) < 0);
            var rows = await query.OrderByDescending(e => e.Id).Take(take + 1).ToListAsync(cancellationToken);
            var actor = await actors.DescribeAsync(me, rows.Select(r => r.ActorId), cancellationToken);
            var items = rows.Select(e => new Item(e.Id, e.OccurredAt, e.Action, e.TargetType, e.TargetId, e.Detail, actor(e.ActorId))).ToList();
            return Cursor.ToPage(items, take, i => i.Id);
        }
    }
}
