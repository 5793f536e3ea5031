using Assemble.Domain.Common;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Email;

/// <summary>
/// What the outbox holds back: messages pending and dead, and when the oldest pending one was written. One grouped
/// query; the metrics gauges and the readiness check both read it.
/// </summary>
public sealed record OutboxBacklog(int Pending, int Dead, DateTimeOffset? OldestPendingAt)
{
    public static readonly OutboxBacklog Empty = new(0, 0, null);

    public TimeSpan OldestPendingAge(DateTimeOffset now) => OldestPendingAt is { } at && now > at ? now - at : TimeSpan.Zero;

    public static async Task<OutboxBacklog> ReadAsync(AppDbContext db, CancellationToken cancellationToken)
        => Of(await Query(db).ToListAsync(cancellationToken));

    /// <summary>Synchronous, for gauge callbacks (OpenTelemetry calls them synchronously while it collects).</summary>
    public static OutboxBacklog Read(AppDbContext db) => Of(Query(db).ToList());

    private sealed record Group(OutboxEmailStatus Status, int Count, DateTimeOffset Oldest);

    private static IQueryable<Group> Query(AppDbContext db)
        => db.OutboxEmails.AsNoTracking()
            .Where(e => e.Status == OutboxEmailStatus.Pending || e.Status == OutboxEmailStatus.Dead)
            .GroupBy(e => e.Status)
            .Select(g => new Group(g.Key, g.Count(), g.Min(e => e.CreatedAt)));

    private static OutboxBacklog Of(List<Group> groups)
    {
        var pending = groups.FirstOrDefault(g => g.Status == OutboxEmailStatus.Pending);
        var dead = groups.FirstOrDefault(g => g.Status == OutboxEmailStatus.Dead);
        return new OutboxBacklog(pending?.Count ?? 0, dead?.Count ?? 0, pending?.Oldest);
    }
}
