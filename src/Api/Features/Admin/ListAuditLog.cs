using Assemble.Api.Common;
using Assemble.Domain.Auditing;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Admin;

public static class ListAuditLog
{
    public sealed record Item(Guid Id, Guid? ActorId, string Action, string TargetType, Guid? TargetId, DateTimeOffset OccurredAt, string? Detail)
    {
        public static Item Of(AuditEntry e) => new(e.Id, e.ActorId, e.Action, e.TargetType, e.TargetId, e.OccurredAt, e.Detail);
    }

    public sealed class Handler(AppDbContext db)
    {
        /// <summary>Newest first, optionally only the lines about one record.</summary>
        public async Task<Page<Item>> HandleAsync(Guid? targetId, Guid? after, int take, CancellationToken cancellationToken)
        {
            var query = db.AuditEntries.AsNoTracking();
            if (targetId is { } t) query = query.Where(e => e.TargetId == t);
            if (after is { } a) query = query.Where(e => e.Id.CompareTo(a) < 0);
            var rows = await query.OrderByDescending(e => e.Id).Take(take + 1).ToListAsync(cancellationToken);
            return Cursor.ToPage(rows.Select(Item.Of).ToList(), take, i => i.Id);
        }
    }
}
