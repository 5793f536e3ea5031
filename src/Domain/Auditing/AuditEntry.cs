namespace Assemble.Domain.Auditing;

/// <summary>
/// One line of the audit log: who did what to which record, when (UTC). Written in the same transaction as
/// the change it records. Holds ids and codes only, never personal data or registration numbers. A line about a
/// member's personal data names that member as its <see cref="SubjectId"/>: their access log and data export read by it.
/// </summary>
public sealed class AuditEntry
{
    private AuditEntry() { }

    public AuditEntry(Guid? actorId, string action, string targetType, Guid? targetId, DateTimeOffset occurredAt, string? detail = null, Guid? subjectId = null)
    {
        if (string.IsNullOrWhiteSpace(action)) throw new ArgumentException("An audit entry names its action.", nameof(action));
        Id = Guid.CreateVersion7(occurredAt);
        ActorId = actorId;
        Action = action;
        TargetType = targetType;
        TargetId = targetId;
        OccurredAt = occurredAt;
        Detail = detail;
        SubjectId = subjectId;
    }

    public Guid Id { get; private set; }
    /// <summary>Null for the system itself (a job, a start-up command).</summary>
    public Guid? ActorId { get; private set; }
    public string Action { get; private set; } = "";
    public string TargetType { get; private set; } = "";
    public Guid? TargetId { get; private set; }
    public DateTimeOffset OccurredAt { get; private set; }
    /// <summary>A short code-like detail (a status, a role list), never free text from users.</summary>
    public string? Detail { get; private set; }
    /// <summary>The member whose personal data was read, revealed or changed (null when the line is about nobody's).</summary>
    public Guid? SubjectId { get; private set; }
}
