using System.Collections.Concurrent;

namespace Assemble.Infrastructure.Persistence.Seats;

/// <summary>
/// What this process last read of a sold-out ticket type, so that the rush after a sell-out (hundreds pressing
/// "register" on a full 40-seat study session) is answered without a database round trip each. It only ever says
/// "sold out": a seat is never given from memory, so nothing can be oversold through it. A reading stops counting
/// once any EF Core transaction of this process commits (<see cref="CommitClock.Transactions"/>: every path that
/// frees a seat — cancellation, removal, expiry, a raised capacity, an event edit — commits one, under the event's
/// row lock), so here a freed seat is seen by the very next request; one freed through another process is seen
/// within <see cref="Lifetime"/>. A reading is kept only if nothing committed while it was being read.
/// </summary>
public sealed class SoldOutMemo(CommitClock clock, TimeProvider time)
{
    /// <summary>How long a reading stands when nothing in this process committed meanwhile.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMilliseconds(250);

    /// <summary>Readings of at most this many ticket types are kept; beyond it the memo starts over.</summary>
    private const int Limit = 10_000;

    private readonly ConcurrentDictionary<(Guid Event, Guid TicketType), Reading> readings = new();
    private long answered;

    private sealed record Reading(SeatCounters Seats, long Generation, DateTimeOffset Until);

    /// <summary>Taken before a read of the seats; <see cref="Remember"/> keeps the read only if it still holds.</summary>
    public long Stamp => clock.Transactions;

    /// <summary>How many registrations were answered "sold out" from memory (for tests and benchmarks).</summary>
    public long Answered => Interlocked.Read(ref answered);

    public bool KnowsSoldOut(Guid eventId, Guid ticketTypeId, int quantity)
    {
        if (!readings.TryGetValue((eventId, ticketTypeId), out var reading)) return false;
        if (reading.Generation != Stamp || time.GetUtcNow() >= reading.Until || !reading.Seats.SoldOutFor(quantity)) return false;
        Interlocked.Increment(ref answered);
        return true;
    }

    public void Remember(Guid eventId, Guid ticketTypeId, SeatCounters seats, long stamp)
    {
        if (stamp != Stamp) return;
        if (readings.Count >= Limit) readings.Clear();
        readings[(eventId, ticketTypeId)] = new Reading(seats, stamp, time.GetUtcNow() + Lifetime);
    }
}
