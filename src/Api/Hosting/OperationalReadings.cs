using System.Diagnostics.Metrics;
using Assemble.Api.Features.Email;
using Assemble.Api.Features.Registrations;
using Assemble.Infrastructure.Persistence;

namespace Assemble.Api.Hosting;

/// <summary>
/// The figures behind the gauges of <see cref="AssembleMetrics"/>: the outbox backlog and the seats in use, read
/// together, and read again only when this process has committed a write since (<see cref="CommitClock"/>) or after
/// <see cref="CacheFor"/> (other instances' writes), however many gauges and readers collect. A database that does
/// not answer yields no measurement rather than a failed scrape.
/// </summary>
public sealed partial class OperationalReadings(IServiceScopeFactory scopes, CommitClock clock, TimeProvider time, ILogger<OperationalReadings> logger)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private Snapshot? _last;

    private sealed record Snapshot(OutboxBacklog Outbox, List<SeatsInUse> Seats, DateTimeOffset ReadAt, long Writes);

    public IEnumerable<Measurement<long>> OutboxDepth()
        => Read() is { } s
            ? [new(s.Outbox.Pending, new KeyValuePair<string, object?>("status", "pending")), new(s.Outbox.Dead, new KeyValuePair<string, object?>("status", "dead"))]
            : [];

    public IEnumerable<Measurement<double>> OldestPendingAge()
        => Read() is { } s ? [new(s.Outbox.OldestPendingAge(time.GetUtcNow()).TotalSeconds)] : [];

    public IEnumerable<Measurement<long>> Seats()
        => Read() is { } s
            ? s.Seats.SelectMany(e => new Measurement<long>[]
            {
                new(e.Held, new("event.id", e.EventId.ToString()), new("state", "held")),
                new(e.Sold, new("event.id", e.EventId.ToString()), new("state", "sold")),
            })
            : [];

    private Snapshot? Read()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var writes = clock.Now;
            if (_last is { } last && last.Writes == writes && now - last.ReadAt < CacheFor) return last;
            try
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                return _last = new Snapshot(OutboxBacklog.Read(db), SeatsInUse.Read(db, now), now, writes);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
            {
                LogUnavailable(logger, e);
                return null;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox and seat gauges could not be read; they are left out of this collection.")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
