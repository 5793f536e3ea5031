using System.Collections.Concurrent;
using Assemble.Domain.Events;

namespace Assemble.Infrastructure.Persistence.Seats;

/// <summary>
/// What the seat path of this process keeps between requests, and when each copy counts:
/// <list type="bullet">
/// <item>events with their ticket types, each under the version PostgreSQL keeps for it (any change to the event or
/// its ticket types bumps it; the seat counters do not);</item>
/// <item>members as a registration sees them (<see cref="Registrant"/>: a confirmed e-mail and the professions of the
/// credentials valid on a day), each under the member's registrant version (bumped by a change to either);</item>
/// <item>sell-outs as last read.</item>
/// </list>
/// An event and a member recalled together (<see cref="RecallAsync"/>) let a registration be checked without a round
/// trip; the statement that takes the seat then checks both versions, so a change made meanwhile through any process,
/// or straight in SQL, is never registered against: the seat is refused and the request checks again with what it
/// reads (<see cref="SeatOutcome.Stale"/>). A sell-out only ever answers "sold out", never gives a seat, and stops
/// counting once any EF Core transaction of this process commits (every path that frees a seat commits one) or after
/// <see cref="SoldOutLifetime"/>, for a seat freed through another process.
/// </summary>
public sealed class SeatMemory(CommitClock clock, TimeProvider time)
{
    /// <summary>How long a sell-out stands when nothing in this process committed meanwhile.</summary>
    public static readonly TimeSpan SoldOutLifetime = TimeSpan.FromMilliseconds(250);

    /// <summary>Beyond this many entries of a kind the memory of that kind starts over rather than tracking use.</summary>
    private const int EventLimit = 1_000, MemberLimit = 100_000, SoldOutLimit = 10_000;

    /// <summary>How long a first sight of an event is shared by the requests arriving while it is read.</summary>
    private static readonly TimeSpan FirstSightLifetime = TimeSpan.FromSeconds(1);

    private readonly KeptLoads<Guid, Event?> events = new(EventLimit);
    private readonly KeptLoads<Guid, Sighted?> firstSights = new(EventLimit);
    private readonly ConcurrentDictionary<(Guid Member, StandingDays Days), KeptMember> members = new();
    private readonly ConcurrentDictionary<(Guid Event, Guid TicketType), SoldOut> soldOut = new();
    private long answered;

    private sealed record KeptMember(Registrant Member, long Version);

    private sealed record SoldOut(SeatCounters Seats, long Generation, DateTimeOffset Until);

    /// <summary>An event and a member as last read, with the versions the seat statement must find.</summary>
    public sealed record Recalled(Event Event, long EventVersion, Registrant Member, long MemberVersion);

    /// <summary>An event read with the version read just before it.</summary>
    public sealed record Sighted(Event Event, long Version);

    /// <summary>
    /// The event kept under <paramref name="version"/>, loaded once however many requests ask at the same time. An
    /// event is loaded after its version was read, so what is kept is never older than its version. The instances are
    /// shared: only code that never changes the event may use them (the one-statement seat path).
    /// </summary>
    /// <param name="load">Runs only in the request that finds no usable entry; it must not depend on that request's cancellation.</param>
    public Task<Event?> EventAsync(Guid id, long version, Func<Task<Event?>> load)
        => events.GetAsync(id, version, DateTimeOffset.MinValue, Timeout.InfiniteTimeSpan, load);

    public void Remember(Guid memberId, StandingDays days, Registrant member, long version)
    {
        if (members.Count >= MemberLimit) members.Clear();
        members[(memberId, days)] = new KeptMember(member, version);
    }

    /// <summary>
    /// The event and the member as last read, when the member is kept and the ticket type's seat is one guarded
    /// statement (no approval step, no quota). An event not seen yet is read once (<paramref name="sight"/>, the version
    /// before the event), however many of a rush's first requests ask for it meanwhile.
    /// </summary>
    /// <param name="sight">Runs only in the request that finds no usable entry; it must not depend on that request's cancellation.</param>
    public async Task<Recalled?> RecallAsync(Guid eventId, Guid ticketTypeId, Guid memberId, StandingDays days, Func<Task<Sighted?>> sight)
    {
        if (!members.TryGetValue((memberId, days), out var kept)) return null;
        Event? e;
        long eventVersion;
        if (!events.TryPeek(eventId, out e, out eventVersion))
        {
            if (await firstSights.GetAsync(eventId, 0, time.GetUtcNow(), FirstSightLifetime, sight) is not { } seen) return null;
            (e, eventVersion) = (await EventAsync(eventId, seen.Version, () => Task.FromResult<Event?>(seen.Event)), seen.Version);
        }
        if (e?.TicketTypes.FirstOrDefault(t => t.Id == ticketTypeId) is not { } type || !SeatRoom.OnePool(e.RequiresApproval, type.Quota)) return null;
        return new Recalled(e, eventVersion, kept.Member, kept.Version);
    }

    /// <summary>Taken before a read of the seats; <see cref="RememberSoldOut"/> keeps the read only if it still holds.</summary>
    public long SoldOutStamp => clock.Transactions;

    /// <summary>How many registrations were answered "sold out" from memory (for tests and benchmarks).</summary>
    public long AnsweredSoldOut => Interlocked.Read(ref answered);

    public bool KnowsSoldOut(Guid eventId, Guid ticketTypeId, int quantity)
    {
        if (!soldOut.TryGetValue((eventId, ticketTypeId), out var reading)) return false;
        if (reading.Generation != SoldOutStamp || time.GetUtcNow() >= reading.Until || !reading.Seats.SoldOutFor(quantity)) return false;
        Interlocked.Increment(ref answered);
        return true;
    }

    public void RememberSoldOut(Guid eventId, Guid ticketTypeId, SeatCounters seats, long stamp)
    {
        if (stamp != SoldOutStamp) return;
        if (soldOut.Count >= SoldOutLimit) soldOut.Clear();
        soldOut[(eventId, ticketTypeId)] = new SoldOut(seats, stamp, time.GetUtcNow() + SoldOutLifetime);
    }
}
