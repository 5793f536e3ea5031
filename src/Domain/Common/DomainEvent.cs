namespace Assemble.Domain.Common;

/// <summary>
/// Something that happened to an aggregate, raised by the aggregate itself and recorded in the same transaction as
/// the change that caused it; a notice (mail) is made from the record after the commit. <see cref="EventId"/> is
/// the meeting (study session, supervision …) it concerns, <see cref="RecipientId"/> the member to tell, if any,
/// <see cref="SubjectId"/> the registration or waitlist entry it is about.
/// </summary>
public abstract record DomainEvent(Guid EventId, Guid? RecipientId, Guid? SubjectId, DateTimeOffset OccurredAt);

/// <summary>An entity that raises domain events; the persistence layer records and clears them when it saves.</summary>
public abstract class AggregateRoot
{
    private readonly List<DomainEvent> raised = [];

    /// <summary>What happened since the last save, in order.</summary>
    public IReadOnlyList<DomainEvent> DomainEvents => raised;

    protected void Raise(DomainEvent domainEvent) => raised.Add(domainEvent);

    public void ClearDomainEvents() => raised.Clear();
}
