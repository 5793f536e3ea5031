using System.Collections.Concurrent;
using Assemble.Domain.Events;

namespace Assemble.Api.Features.Registrations;

/// <summary>
/// Events as the registration desk loaded them (with their ticket types), each under the version PostgreSQL keeps
/// for it: any change to the event or its ticket types bumps the version, the seat counters do not (see the
/// <c>EventVersion</c> migration). The desk reads the version with the counters, so a rush on one event loads the
/// event once instead of once per request, and a change is seen by the very next registration in every process.
/// The instances are shared: only code that never changes the event may use them (the one-statement seat path).
/// </summary>
public sealed class EventCache
{
    /// <summary>Events open for registration at once; beyond this the cache starts over rather than tracking use.</summary>
    private const int Limit = 1_000;

    private readonly ConcurrentDictionary<Guid, (long Version, Event Event)> events = new();

    public Event? Find(Guid id, long version) => events.TryGetValue(id, out var kept) && kept.Version == version ? kept.Event : null;

    public void Keep(Event e, long version)
    {
        if (events.Count >= Limit) events.Clear();
        events[e.Id] = (version, e);
    }
}
