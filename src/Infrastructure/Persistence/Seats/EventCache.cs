using Assemble.Domain.Events;

namespace Assemble.Infrastructure.Persistence.Seats;

/// <summary>
/// Events as the registration desk loaded them (with their ticket types), each under the version PostgreSQL keeps
/// for it: any change to the event or its ticket types bumps the version, the seat counters do not (see the
/// <c>EventVersion</c> migration). The desk reads the version with the counters, so a change is seen by the very next
/// registration in every process, and a rush on one event loads it once: the first request for a version loads it,
/// the requests arriving meanwhile wait for that load instead of each running their own. An event is loaded after
/// its version was read, so what is kept is never older than the version it is kept under.
/// The instances are shared: only code that never changes the event may use them (the one-statement seat path).
/// </summary>
public sealed class EventCache
{
    /// <summary>Events open for registration at once; beyond this the cache starts over rather than tracking use.</summary>
    private readonly KeptLoads<Guid, Event?> events = new(limit: 1_000);

    /// <param name="load">Runs only in the request that finds no usable entry; it must not depend on that request's cancellation.</param>
    public Task<Event?> GetAsync(Guid id, long version, Func<Task<Event?>> load)
        => events.GetAsync(id, version, DateTimeOffset.MinValue, Timeout.InfiniteTimeSpan, load);
}
