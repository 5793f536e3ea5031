using Assemble.Domain.Common;

namespace Assemble.Domain.Events;

public static class EventErrors
{
    public static readonly Error NotFound = new("event.not_found", "No such event.", ErrorKind.NotFound);
    public static readonly Error NotOrganizer = new("event.not_organizer", "Only the event's organizers may do this.", ErrorKind.Forbidden);
    public static readonly Error NotDraft = new("event.not_draft", "Only a draft can be published.", ErrorKind.Conflict);
    public static readonly Error AlreadyCancelled = new("event.cancelled", "The event is cancelled.", ErrorKind.Conflict);
    public static readonly Error AlreadyStarted = new("event.started", "The event has started; its attendees can no longer change.", ErrorKind.Rule);
    public static readonly Error PanelIncomplete = new(
        "event.panel_incomplete",
        "A live supervision needs at least one verified psychiatrist and one verified clinical or certified public psychologist on its panel.",
        ErrorKind.Rule);
    public static readonly Error VenueRequired = new("event.venue_required", "An in-person or hybrid event needs a venue.", ErrorKind.Rule);
    public static readonly Error JoinUrlRequired = new("event.join_url_required", "An online or hybrid event needs a join URL before it is published.", ErrorKind.Rule);
    public static readonly Error NoTicketTypes = new("event.no_ticket_types", "Add at least one ticket type before publishing.", ErrorKind.Rule);
    public static readonly Error StartsInPast = new("event.starts_in_past", "The event must start in the future.", ErrorKind.Rule);

    public static Error CapacityBelowTaken(int taken) => new("event.capacity_below_taken", $"{taken} seats are already taken; capacity cannot be lower.", ErrorKind.Conflict);

    public static Error QuotaBelowTaken(string ticketType, int taken) => new("event.quota_below_taken", $"{taken} seats of '{ticketType}' are already taken; its quota cannot be lower.", ErrorKind.Conflict);

    public static readonly Error MatchmakingSidesRequired = new("event.matchmaking_sides",
        "A matchmaking event needs ticket types for both sides (doctor and counsellor), and every ticket type names its side.", ErrorKind.Rule);
    public static readonly Error MatchmakingNeedsBothSides = new("matchmaking.needs_both_sides", "Rounds need at least one confirmed doctor and one confirmed counsellor.", ErrorKind.Conflict);
    public static readonly Error NotMatchmaking = new("matchmaking.not_matchmaking", "This event is not a matchmaking event.", ErrorKind.NotFound);
    public static readonly Error MatchmakingOver = new("matchmaking.event_over", "The event is over or cancelled; its rounds can no longer change.", ErrorKind.Conflict);

    public static readonly Error TicketTypeInUse = new("event.ticket_type_in_use", "A ticket type with registrations cannot be removed.", ErrorKind.Conflict);
}

public static class RegistrationErrors
{
    public static readonly Error NotFound = new("registration.not_found", "No such registration.", ErrorKind.NotFound);
    public static readonly Error SoldOut = new("registration.sold_out", "No seats are left. The waitlist is open.", ErrorKind.Conflict);
    public static readonly Error AlreadyRegistered = new("registration.already_registered", "You are already registered for this event.", ErrorKind.Conflict);
    public static readonly Error NotPublished = new("registration.not_open", "The event is not open for registration.", ErrorKind.Rule);
    public static readonly Error EventCancelled = new("registration.event_cancelled", "The event is cancelled.", ErrorKind.Rule);
    public static readonly Error EventStarted = new("registration.event_started", "The event has started.", ErrorKind.Rule);
    public static readonly Error SalesClosed = new("registration.sales_closed", "This ticket is not on sale now.", ErrorKind.Rule);
    public static readonly Error UnknownTicketType = new("registration.unknown_ticket_type", "No such ticket type for this event.", ErrorKind.Rule);

    /// <summary>Why a seat was not taken, as the error the API answers with.</summary>
    public static Error Of(SeatOutcome outcome) => outcome switch
    {
        SeatOutcome.SoldOut => SoldOut,
        SeatOutcome.AlreadyRegistered => AlreadyRegistered,
        SeatOutcome.NotOpen => NotPublished,
        SeatOutcome.EventCancelled => EventCancelled,
        SeatOutcome.UnknownTicketType => UnknownTicketType,
        SeatOutcome.EventNotFound => EventErrors.NotFound,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "A seat taken is not an error, and a stale check is made again."),
    };
    public static readonly Error TooMany = new("registration.too_many", "That is more tickets than one member may have.", ErrorKind.Rule);
    public static readonly Error NotEligible = new("registration.not_eligible", "This event is for verified professionals (or chosen professions) only. Submit your credential first.", ErrorKind.Rule);
    public static readonly Error MembersOnly = new("registration.members_only",
        "This event (or ticket) is for members whose membership is active: pay this year's dues first (GET /api/membership/plans).", ErrorKind.Rule);
    public static readonly Error WrongSide = new("registration.matchmaking_side",
        "Register on your side: doctors (physician, psychiatrist) or counsellors (psychologists, social workers), as your verified credential shows.", ErrorKind.Rule);
    public static readonly Error PledgeRequired = new("registration.pledge_required", "Accept the confidentiality pledge to attend a live supervision.", ErrorKind.Rule);
    public static readonly Error EmailUnconfirmed = new("registration.email_unconfirmed", "Confirm your e-mail address before registering.", ErrorKind.Rule);
    public static readonly Error CancellationClosed = new("registration.cancellation_closed", "The cancellation deadline has passed.", ErrorKind.Rule);
    public static readonly Error NotCancellable = new("registration.not_cancellable", "This registration is not active.", ErrorKind.Conflict);
    public static readonly Error NotPendingApproval = new("registration.not_pending_approval", "This application is not waiting for approval.", ErrorKind.Conflict);
    public static readonly Error NotCheckInable = new("checkin.not_confirmed", "Only confirmed registrations can check in.", ErrorKind.Rule);
    public static readonly Error UnknownCode = new("checkin.unknown_code", "No registration of this event has this code.", ErrorKind.NotFound);
    public static readonly Error UnknownSession = new("checkin.unknown_session", "No such session for this event.", ErrorKind.Rule);

    public static Error InvalidAnswers(IReadOnlyDictionary<string, string[]> fields) => Error.Validation("registration.invalid_answers", fields, "Some answers are missing or invalid.");
}

public static class WaitlistErrors
{
    public static readonly Error NotSoldOut = new("waitlist.not_sold_out", "Seats are still available: register instead.", ErrorKind.Conflict);
    public static readonly Error AlreadyWaiting = new("waitlist.already_waiting", "You are already on the waitlist.", ErrorKind.Conflict);
    public static readonly Error NotWaiting = new("waitlist.not_waiting", "You are not on the waitlist.", ErrorKind.NotFound);
    public static readonly Error OfferNotFound = new("waitlist.offer_not_found", "No such offer.", ErrorKind.NotFound);
    public static readonly Error OfferNotOpen = new("waitlist.offer_not_open", "This offer is no longer open.", ErrorKind.Conflict);
}
