using Assemble.Domain.Events;

namespace Assemble.Infrastructure.Persistence.Seats;

/// <summary>The seat counters of an event and one of its ticket types, and the event's version (see <c>EventVersion</c>).</summary>
public sealed record SeatCounters(EventStatus Status, bool RequiresApproval, int Capacity, int SeatsTaken, int? Quota, int TypeSeatsTaken, long Version)
{
    /// <summary>Whether the seat is decided by the event's capacity alone (the one-statement path).</summary>
    public bool OnePool => SeatRoom.OnePool(RequiresApproval, Quota);

    /// <summary>Sold out as read: published, no approval step, and a pool without room for <paramref name="quantity"/>.</summary>
    public bool SoldOutFor(int quantity) => Status == EventStatus.Published && !RequiresApproval
        && !SeatRoom.Fits(Capacity, SeatsTaken, Quota, TypeSeatsTaken, quantity);
}
