namespace Assemble.Domain.Common;

/// <summary>
/// Something that happened, written as a row in the same transaction as the change (a transactional outbox);
/// the e-mail and payment work read these rows and do the I/O. Never sent inline.
/// </summary>
public sealed class DomainEvent
{
    private DomainEvent() { }

    public DomainEvent(string type, Guid eventId, Guid? memberId, Guid? subjectId, DateTimeOffset occurredAt, string? detail = null)
    {
        Id = Guid.CreateVersion7(occurredAt);
        Type = type;
        EventId = eventId;
        MemberId = memberId;
        SubjectId = subjectId;
        OccurredAt = occurredAt;
        Detail = detail;
    }

    public Guid Id { get; private set; }
    /// <summary>One of <see cref="DomainEventTypes"/>.</summary>
    public string Type { get; private set; } = "";
    public Guid EventId { get; private set; }
    /// <summary>The member it concerns (the one to tell), if any.</summary>
    public Guid? MemberId { get; private set; }
    /// <summary>The registration or waitlist entry it is about.</summary>
    public Guid? SubjectId { get; private set; }
    public DateTimeOffset OccurredAt { get; private set; }
    public string? Detail { get; private set; }
    public DateTimeOffset? ProcessedAt { get; private set; }

    /// <summary>The notifications for this event have been written to the mail outbox.</summary>
    public void MarkProcessed(DateTimeOffset now) => ProcessedAt ??= now;
}

public static class DomainEventTypes
{
    public const string RegistrationConfirmed = "registration.confirmed";
    public const string RegistrationCancelled = "registration.cancelled";
    public const string RegistrationRemoved = "registration.removed";
    public const string ApplicationReceived = "registration.application_received";
    public const string ApplicationDeclined = "registration.application_declined";
    public const string HoldCreated = "hold.created";
    public const string HoldExpired = "hold.expired";
    public const string RefundRequested = "refund.requested";
    public const string RefundCompleted = "refund.completed";
    public const string WaitlistOfferMade = "waitlist.offer_made";
    public const string WaitlistOfferExpired = "waitlist.offer_expired";
    public const string EventChanged = "event.changed";
    public const string EventCancelled = "event.cancelled";
}
