using Assemble.Api.Features.Events;
using Assemble.Domain.Events;

namespace Assemble.Api.Features.Registrations;

/// <summary>A registration as its member (or the event's organizers) sees it. The check-in code is there once confirmed.</summary>
public sealed record RegistrationView(
    Guid Id,
    Guid EventId,
    string EventTitle,
    EventTime EventStartsAt,
    RegistrationStatus Status,
    Guid TicketTypeId,
    string TicketTypeName,
    int Quantity,
    int AmountYen,
    DateTimeOffset? HoldExpiresAt,
    string? CheckInCode,
    IReadOnlyList<Guid> CheckedInSessionIds,
    IReadOnlyList<Answer> Answers,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ConfirmedAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    string? CheckoutUrl = null)
{
    public static RegistrationView Of(Registration r, Event e, IReadOnlyList<Guid>? checkedIn = null) => new(
        r.Id, e.Id, e.Title, EventTime.Of(e.StartsAt, e.TimeZone), r.Status, r.TicketTypeId,
        e.TicketTypes.FirstOrDefault(t => t.Id == r.TicketTypeId)?.Name ?? "", r.Quantity, r.AmountYen, r.HoldExpiresAt,
        r.Status == RegistrationStatus.Confirmed ? r.CheckInCode : null, checkedIn ?? [], r.Answers,
        r.CreatedAt, r.ConfirmedAt, r.EndedAt, r.EndReason);
}

/// <summary>A member's place on a waitlist, and their open offer if one was made.</summary>
public sealed record WaitlistView(Guid Id, Guid EventId, WaitlistStatus Status, int? Position, DateTimeOffset JoinedAt, DateTimeOffset? OfferExpiresAt);
