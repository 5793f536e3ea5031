using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence.Notifications;

namespace Assemble.Infrastructure.Persistence.Seats;

/// <summary>The rows the seat path writes in raw SQL, each table's columns listed once (pinned to the EF model by SchemaTests).</summary>
public static class SeatRows
{
    private static DateTime? Utc(DateTimeOffset? t) => t?.UtcDateTime;

    public static readonly TableRows<Registration> Registrations = new("registrations",
        new RowColumn<Registration, Guid>("id", "uuid", r => r.Id),
        new RowColumn<Registration, Guid>("event_id", "uuid", r => r.EventId),
        new RowColumn<Registration, Guid>("member_id", "uuid", r => r.MemberId),
        new RowColumn<Registration, Guid>("ticket_type_id", "uuid", r => r.TicketTypeId),
        new RowColumn<Registration, int>("quantity", "integer", r => r.Quantity),
        new RowColumn<Registration, string>("status", "text", r => r.Status.ToString()),
        new RowColumn<Registration, int>("amount_yen", "integer", r => r.AmountYen),
        new RowColumn<Registration, DateTime?>("hold_expires_at", "timestamptz", r => Utc(r.HoldExpiresAt)),
        new RowColumn<Registration, string>("answers", "jsonb", r => JsonColumn.Serialize(r.Answers)),
        new RowColumn<Registration, int?>("pledge_version", "integer", r => r.PledgeVersion),
        new RowColumn<Registration, DateTime?>("pledge_accepted_at", "timestamptz", r => Utc(r.PledgeAcceptedAt)),
        new RowColumn<Registration, string>("check_in_code", "text", r => r.CheckInCode),
        new RowColumn<Registration, DateTime>("created_at", "timestamptz", r => r.CreatedAt.UtcDateTime),
        new RowColumn<Registration, DateTime?>("confirmed_at", "timestamptz", r => Utc(r.ConfirmedAt)),
        new RowColumn<Registration, DateTime?>("ended_at", "timestamptz", r => Utc(r.EndedAt)),
        new RowColumn<Registration, string?>("end_reason", "text", r => r.EndReason),
        new RowColumn<Registration, Guid?>("waitlist_entry_id", "uuid", r => r.WaitlistEntryId));

    public static readonly TableRows<NotificationRecord> NotificationRecords = new("notification_records",
        new RowColumn<NotificationRecord, Guid>("id", "uuid", d => d.Id),
        new RowColumn<NotificationRecord, string>("type", "text", d => d.Type),
        new RowColumn<NotificationRecord, Guid>("event_id", "uuid", d => d.EventId),
        new RowColumn<NotificationRecord, Guid?>("member_id", "uuid", d => d.MemberId),
        new RowColumn<NotificationRecord, Guid?>("subject_id", "uuid", d => d.SubjectId),
        new RowColumn<NotificationRecord, DateTime>("occurred_at", "timestamptz", d => d.OccurredAt.UtcDateTime),
        new RowColumn<NotificationRecord, string>("payload", "jsonb", d => d.Payload),
        new RowColumn<NotificationRecord, DateTime?>("processed_at", "timestamptz", d => Utc(d.ProcessedAt)));
}
