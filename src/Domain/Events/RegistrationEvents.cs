using Assemble.Domain.Common;
using Assemble.Domain.Payments;

namespace Assemble.Domain.Events;

/// <summary>How a registration came to be confirmed (the notice says so).</summary>
public enum ConfirmedBy { Registration, Approval, Payment, LatePayment }

/// <summary>A seat is the member's: the notice carries the check-in code and the calendar entry.</summary>
public sealed record RegistrationConfirmed(Guid EventId, Guid MemberId, Guid RegistrationId, DateTimeOffset OccurredAt, ConfirmedBy By)
    : DomainEvent(EventId, MemberId, RegistrationId, OccurredAt);

/// <summary>A seat is held until <paramref name="ExpiresAt"/> for a payment of <paramref name="AmountYen"/>.</summary>
public sealed record HoldCreated(Guid EventId, Guid MemberId, Guid RegistrationId, DateTimeOffset OccurredAt, DateTimeOffset ExpiresAt, int AmountYen)
    : DomainEvent(EventId, MemberId, RegistrationId, OccurredAt);

public sealed record HoldExpired(Guid EventId, Guid MemberId, Guid RegistrationId, DateTimeOffset OccurredAt)
    : DomainEvent(EventId, MemberId, RegistrationId, OccurredAt);

public sealed record ApplicationReceived(Guid EventId, Guid MemberId, Guid RegistrationId, DateTimeOffset OccurredAt)
    : DomainEvent(EventId, MemberId, RegistrationId, OccurredAt);

public sealed record ApplicationDeclined(Guid EventId, Guid MemberId, Guid RegistrationId, DateTimeOffset OccurredAt)
    : DomainEvent(EventId, MemberId, RegistrationId, OccurredAt);

/// <summary>The registration ended by the member's cancellation, or (<paramref name="EventCancelled"/>) with its event.</summary>
public sealed record RegistrationCancelled(Guid EventId, Guid MemberId, Guid RegistrationId, DateTimeOffset OccurredAt, bool EventCancelled)
    : DomainEvent(EventId, MemberId, RegistrationId, OccurredAt);

public sealed record RegistrationRemoved(Guid EventId, Guid MemberId, Guid RegistrationId, DateTimeOffset OccurredAt, string Reason)
    : DomainEvent(EventId, MemberId, RegistrationId, OccurredAt);

/// <summary><paramref name="AmountYen"/> goes back to the member; <paramref name="FeeYen"/> is kept.</summary>
public sealed record RefundRequested(Guid EventId, Guid MemberId, Guid RegistrationId, DateTimeOffset OccurredAt, int AmountYen, int FeeYen, RefundReason Reason)
    : DomainEvent(EventId, MemberId, RegistrationId, OccurredAt);

/// <summary>Stripe settled the refund <paramref name="RefundId"/> (null in records stored before it was carried).</summary>
public sealed record RefundCompleted(Guid EventId, Guid MemberId, Guid RegistrationId, DateTimeOffset OccurredAt, int AmountYen, Guid? RefundId = null)
    : DomainEvent(EventId, MemberId, RegistrationId, OccurredAt);

/// <summary>A freed seat is offered to the member first in line, until <paramref name="ExpiresAt"/>.</summary>
public sealed record WaitlistOfferMade(Guid EventId, Guid MemberId, Guid EntryId, DateTimeOffset OccurredAt, DateTimeOffset ExpiresAt)
    : DomainEvent(EventId, MemberId, EntryId, OccurredAt);

public sealed record WaitlistOfferExpired(Guid EventId, Guid MemberId, Guid EntryId, DateTimeOffset OccurredAt)
    : DomainEvent(EventId, MemberId, EntryId, OccurredAt);

/// <summary>The event was cancelled while the member was on its waitlist.</summary>
public sealed record WaitlistClosed(Guid EventId, Guid MemberId, Guid EntryId, DateTimeOffset OccurredAt)
    : DomainEvent(EventId, MemberId, EntryId, OccurredAt);

/// <summary>What attendees were told changed (time, place, join URL …): every confirmed attendee hears of it.</summary>
public sealed record EventChanged(Guid EventId, DateTimeOffset OccurredAt, int Sequence)
    : DomainEvent(EventId, null, null, OccurredAt);

/// <summary>The event was cancelled (each registration and waitlist entry raises its own notice).</summary>
public sealed record EventCancelled(Guid EventId, DateTimeOffset OccurredAt)
    : DomainEvent(EventId, null, null, OccurredAt);
