using Assemble.Domain.Members;

namespace Assemble.Domain.Events;

/// <summary>
/// Where a registration gets its seat. How (group commit, the sold-out memo, the event cache, one guarded statement
/// or a locked read) is the implementation's business; the rules are the domain's: it checks the attempt before,
/// and turns the outcome into an error after (<see cref="RegistrationErrors.Of"/>).
/// </summary>
public interface ISeatAllocator
{
    /// <summary>
    /// The event as a registration needs it and the member's standing, read together; or, without loading either,
    /// that the ticket type was sold out for <paramref name="quantity"/> seats when last read.
    /// </summary>
    Task<SeatCheck> CheckAsync(Guid eventId, Guid ticketTypeId, Guid memberId, int quantity, DateOnly today, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the seats of a registration just started (none while it waits for approval) and writes it with what it
    /// raised, in one transaction; decided under the event's row lock, whatever the event looked like when read.
    /// </summary>
    Task<SeatOutcome> ReserveAsync(Event e, Registration registration, CancellationToken cancellationToken);
}

/// <summary>What a member brings to a registration: a confirmed e-mail and verified professions (sorted).</summary>
public sealed record Registrant(bool EmailConfirmed, IReadOnlyList<Profession> VerifiedProfessions);

public abstract record SeatCheck
{
    /// <summary>Sold out as last read (no approval step, no room for the seats asked).</summary>
    public sealed record SoldOut : SeatCheck;

    /// <summary>No such event, or no such member.</summary>
    public sealed record NotFound : SeatCheck;

    public sealed record Ready(Event Event, Registrant Member) : SeatCheck;
}

public enum SeatOutcome { Taken, SoldOut, AlreadyRegistered, NotOpen, EventCancelled, UnknownTicketType, EventNotFound }
