using System.Text.Json;
using Assemble.Domain.Common;
using Assemble.Domain.Events;

namespace Assemble.Infrastructure.Persistence.Notifications;

/// <summary>
/// The stored form of a domain event: written in the transaction of the change that raised it, then turned into
/// mail after the commit by the notifier, which marks it processed in the transaction of that mail. The row stays as
/// the record of what happened. <see cref="EventId"/> is the meeting the notice is about.
/// </summary>
public sealed class NotificationRecord
{
    private NotificationRecord() { }

    public Guid Id { get; private set; }
    /// <summary>The event's stable name (<see cref="NotificationTypes"/>).</summary>
    public string Type { get; private set; } = "";
    public Guid EventId { get; private set; }
    public Guid? MemberId { get; private set; }
    public Guid? SubjectId { get; private set; }
    public DateTimeOffset OccurredAt { get; private set; }
    /// <summary>The typed event as JSON (jsonb).</summary>
    public string Payload { get; private set; } = "{}";
    public DateTimeOffset? ProcessedAt { get; private set; }

    public static NotificationRecord Of(DomainEvent domainEvent) => new()
    {
        Id = Guid.CreateVersion7(domainEvent.OccurredAt),
        Type = NotificationTypes.NameOf(domainEvent),
        EventId = domainEvent.EventId,
        MemberId = domainEvent.RecipientId,
        SubjectId = domainEvent.SubjectId,
        OccurredAt = domainEvent.OccurredAt,
        Payload = JsonSerializer.Serialize(domainEvent, domainEvent.GetType(), JsonColumn.Options),
    };

    /// <summary>What <paramref name="aggregate"/> raised since its last save, as records; the aggregate forgets them.</summary>
    public static List<NotificationRecord> TakeFrom(AggregateRoot aggregate)
    {
        var records = aggregate.DomainEvents.Select(Of).ToList();
        aggregate.ClearDomainEvents();
        return records;
    }

    /// <summary>The typed event; null for a name this version does not know.</summary>
    public DomainEvent? Read()
        => NotificationTypes.TypeOf(Type) is { } type ? (DomainEvent?)JsonSerializer.Deserialize(Payload, type, JsonColumn.Options) : null;

    public void MarkProcessed(DateTimeOffset now) => ProcessedAt ??= now;
}

/// <summary>Each domain event type's one stable name, as stored (renaming a C# type never orphans stored rows).</summary>
public static class NotificationTypes
{
    private static readonly Dictionary<Type, string> Names = new()
    {
        [typeof(RegistrationConfirmed)] = "registration.confirmed",
        [typeof(RegistrationCancelled)] = "registration.cancelled",
        [typeof(RegistrationRemoved)] = "registration.removed",
        [typeof(ApplicationReceived)] = "registration.application_received",
        [typeof(ApplicationDeclined)] = "registration.application_declined",
        [typeof(HoldCreated)] = "hold.created",
        [typeof(HoldExpired)] = "hold.expired",
        [typeof(RefundRequested)] = "refund.requested",
        [typeof(RefundCompleted)] = "refund.completed",
        [typeof(WaitlistOfferMade)] = "waitlist.offer_made",
        [typeof(WaitlistOfferExpired)] = "waitlist.offer_expired",
        [typeof(WaitlistClosed)] = "waitlist.closed",
        [typeof(EventChanged)] = "event.changed",
        [typeof(EventCancelled)] = "event.cancelled",
    };

    private static readonly Dictionary<string, Type> Types = Names.ToDictionary(x => x.Value, x => x.Key);

    /// <summary>Every type that can be stored (a test checks that each domain event type is here).</summary>
    public static IReadOnlyCollection<Type> Known => Names.Keys;

    public static string NameOf(DomainEvent domainEvent)
        => Names.TryGetValue(domainEvent.GetType(), out var name) ? name
            : throw new InvalidOperationException($"{domainEvent.GetType().Name} has no stored name in {nameof(NotificationTypes)}.");

    public static Type? TypeOf(string name) => Types.GetValueOrDefault(name);
}
