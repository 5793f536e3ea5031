using Assemble.Domain.Members;
using Assemble.Domain.Memberships;

namespace Assemble.Domain.Events;

/// <summary>
/// Where a registration gets its seat. How (group commit, the sold-out memo, the event cache, one guarded statement
/// or a locked read) is the implementation's business; the rules are the domain's: it checks the attempt before,
/// and turns the outcome into an error after (<see cref="RegistrationErrors.Of"/>).
/// </summary>
public interface ISeatAllocator
{
    /// <summary>
    /// The event as a registration needs it and the member's standing: as last read, when the implementation keeps
    /// both and <paramref name="fresh"/> is false (the seat is then refused as <see cref="SeatOutcome.Stale"/> if
    /// either changed meanwhile), or else read together. Or, without either, that the ticket type was sold out for
    /// <paramref name="quantity"/> seats when last read.
    /// </summary>
    Task<SeatCheck> CheckAsync(Guid eventId, Guid ticketTypeId, Guid memberId, int quantity, StandingDays days, bool fresh, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the seats of a registration just started (none while it waits for approval) and writes it with what it
    /// raised, in one transaction; decided under the event's row lock. After a check against copies kept in memory,
    /// any refusal is <see cref="SeatOutcome.Stale"/>: check again, fresh.
    /// </summary>
    Task<SeatOutcome> ReserveAsync(Event e, Registration registration, CancellationToken cancellationToken);
}

/// <summary>
/// What a member brings to a registration on <see cref="StandingDays"/>: a confirmed e-mail, the professions of valid
/// credentials (sorted), and whether a paid membership period covers the day (member prices, members-only events).
/// </summary>
public sealed record Registrant(bool EmailConfirmed, IReadOnlyList<Profession> VerifiedProfessions, bool ActiveMember);

/// <summary>
/// The days a member's standing is judged on at an instant. Credentials expire by the UTC date, as everywhere else
/// they are checked; a membership runs by the day in Japan, where the association counts its years and the member
/// her days (<see cref="MembershipPayment.DayInJapan"/>).
/// </summary>
public readonly record struct StandingDays(DateOnly Credentials, DateOnly Membership)
{
    public static StandingDays At(DateTimeOffset now) => new(DateOnly.FromDateTime(now.UtcDateTime), MembershipPayment.DayInJapan(now));
}

public abstract record SeatCheck
{
    /// <summary>Sold out as last read (no approval step, no room for the seats asked).</summary>
    public sealed record SoldOut : SeatCheck;

    /// <summary>No such event, or no such member.</summary>
    public sealed record NotFound : SeatCheck;

    public sealed record Ready(Event Event, Registrant Member) : SeatCheck;
}

public enum SeatOutcome
{
    Taken, SoldOut, AlreadyRegistered, NotOpen, EventCancelled, UnknownTicketType, EventNotFound,

    /// <summary>Not taken after a check against kept copies (they changed, or the seat went for another reason): check again, fresh.</summary>
    Stale,
}
