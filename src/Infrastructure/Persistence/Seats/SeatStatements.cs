using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence.Notifications;
using Npgsql;

namespace Assemble.Infrastructure.Persistence.Seats;

/// <summary>
/// The SQL of the seat path. Every statement is built once; a call only adds its values. The rules they repeat come
/// from <see cref="RuleSql"/> (pinned to the domain by RuleSqlAgreementTests); the rows they write from <see cref="Registrations"/> and <see cref="NotificationRecords"/>.
/// </summary>
public static class SeatStatements
{
    /// <summary>
    /// A registration on the one-pool path with the record of what it raised, waiting for its seat; and, when it was
    /// checked against copies kept in memory, the versions of the event and of the member those copies had.
    /// </summary>
    public sealed record Request(Registration Registration, NotificationRecord Record, long? EventVersion, long? MemberVersion);

    private const string Active = RuleSql.ActiveStatuses;

    // The rows the seat path writes, each table's columns listed once (pinned to the EF model by SchemaTests).
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

    /// <summary>The seat counters and version ($1 ticket type, $2 event).</summary>
    public static readonly string ReadCounters = """
        SELECT e.status, e.requires_approval, e.capacity, e.seats_taken, t.quota, t.seats_taken, e.version
          FROM ticket_types t JOIN events e ON e.id = t.event_id
         WHERE t.id = $1 AND t.event_id = $2
        """;

    /// <summary>The event's version ($1).</summary>
    public const string ReadVersion = "SELECT version FROM events WHERE id = $1";

    /// <summary>
    /// The member ($1): confirmed e-mail, the kinds of the credentials valid on $2, whether a membership period covers
    /// $3 (<see cref="StandingDays"/>), registrant version.
    /// </summary>
    public static readonly string ReadMember = $"""
        SELECT u.email_confirmed,
               ARRAY(SELECT DISTINCT c.kind FROM credentials c WHERE c.member_id = u.id AND {RuleSql.CredentialValidOn("c", "$2")}),
               EXISTS (SELECT 1 FROM membership_payments m WHERE m.member_id = u.id AND {RuleSql.MembershipActiveOn("m", "$3")}),
               u.registrant_version
          FROM users u
         WHERE u.id = $1
        """;

    /// <summary>
    /// After a seat was not taken (with <see cref="ReadCounters"/>), why: whether the member holds an active
    /// registration for the event, and the member's registrant version (null when the account is gone) ($1 event, $2 member).
    /// </summary>
    public const string ReadHeld = $"SELECT EXISTS (SELECT 1 FROM registrations WHERE event_id = $1 AND member_id = $2 AND status IN {Active}), (SELECT registrant_version FROM users WHERE id = $2)";

    // The locked path's read, after BEGIN: lock the event row ($1) with its counters, the ticket type's ($1), and the
    // member's ($2) active registrations for the event ($1).
    public const string LockEvent = "SELECT status, capacity, seats_taken FROM events WHERE id = $1 FOR UPDATE";
    public const string ReadTypeSeats = "SELECT seats_taken FROM ticket_types WHERE id = $1";
    public const string CountActive = $"SELECT count(*) FROM registrations WHERE event_id = $1 AND member_id = $2 AND status IN {Active}";

    public const string TakeEventSeats = "UPDATE events SET seats_taken = seats_taken + $2 WHERE id = $1";
    public const string TakeTypeSeats = "UPDATE ticket_types SET seats_taken = seats_taken + $2 WHERE id = $1";

    private static readonly int GuardedVersions = 5 + Registrations.Width + NotificationRecords.Width;

    /// <summary>
    /// One request: the guarded seat ($1 event, $2 member, $3 ticket type, $4 seats) while the member holds no active
    /// registration and, when given, the event and the member still have the versions checked against, then the
    /// registration and its record, each only if the one before was written. Returns the registration's id when it
    /// took the seat.
    /// </summary>
    private static readonly string Guarded = $"""
        WITH seat AS (
            UPDATE events SET seats_taken = seats_taken + $4
            WHERE id = $1 AND status = 'Published' AND {RuleSql.EventFits("$4")}
              AND (${GuardedVersions}::bigint IS NULL OR version = ${GuardedVersions})
              AND (${GuardedVersions + 1}::bigint IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = $2 AND registrant_version = ${GuardedVersions + 1}))
              AND NOT EXISTS (SELECT 1 FROM registrations WHERE event_id = $1 AND member_id = $2 AND status IN {Active})
            RETURNING id),
        type_seat AS (
            UPDATE ticket_types SET seats_taken = seats_taken + $4 WHERE id = $3 AND EXISTS (SELECT 1 FROM seat) RETURNING id),
        reg AS ({Registrations.InsertOne(5)} WHERE EXISTS (SELECT 1 FROM seat) RETURNING id)
        {NotificationRecords.InsertOne(5 + Registrations.Width)} FROM reg RETURNING subject_id
        """;

    private static readonly int TogetherVersions = 2 + Registrations.Width + NotificationRecords.Width;

    /// <summary>
    /// One seat each for the requests of one event ($1) as one statement: granted in queue order while seats last, a
    /// member's first request only, none for a member who already holds an active registration, and none for a
    /// request checked against an event or member version (one array each, null where nothing was recalled) that
    /// has changed since; the registrations and their records are inserted for the granted ones alone. Returns the
    /// granted ids. The member's active registration is a LATERAL probe per request and the event row is found by
    /// its key alone, so that no plan can turn a lookup into a scan whatever the statistics say
    /// (docs/decisions/0005-seat-allocation-behind-one-port.md).
    /// </summary>
    private static readonly string Together = $"""
        WITH cand AS (
            SELECT c.*, (${TogetherVersions}::bigint[])[c.ord::int] AS event_version, (${TogetherVersions + 1}::bigint[])[c.ord::int] AS member_version
              FROM {Registrations.Unnest(2, "c")}),
        room AS (SELECT CASE WHEN status = 'Published' THEN {RuleSql.EventSeatsLeft} ELSE 0 END AS free, version FROM events WHERE id = $1 FOR NO KEY UPDATE),
        fresh AS (
            SELECT c.* FROM (SELECT c.*, row_number() OVER (PARTITION BY c.member_id ORDER BY c.ord) AS nth FROM cand c) c
              CROSS JOIN room
              LEFT JOIN LATERAL (SELECT 1 AS held FROM registrations r
                                  WHERE r.event_id = $1 AND r.member_id = c.member_id AND r.status IN {Active} LIMIT 1) h ON true
             WHERE c.nth = 1 AND h.held IS NULL
               AND (c.event_version IS NULL OR c.event_version = room.version)
               AND (c.member_version IS NULL OR EXISTS (SELECT 1 FROM users u WHERE u.id = c.member_id AND u.registrant_version = c.member_version))),
        granted AS (
            SELECT f.* FROM (SELECT f.*, row_number() OVER (ORDER BY f.ord) AS place FROM fresh f) f, room WHERE f.place <= room.free),
        seat AS (
            UPDATE events SET seats_taken = seats_taken + (SELECT count(*) FROM granted) WHERE id = $1 AND EXISTS (SELECT 1 FROM granted)),
        type_seat AS (
            UPDATE ticket_types t SET seats_taken = t.seats_taken + g.n
              FROM (SELECT ticket_type_id, count(*) AS n FROM granted GROUP BY ticket_type_id) g WHERE t.id = g.ticket_type_id),
        reg AS (INSERT INTO registrations ({Registrations.ColumnList}) SELECT {Registrations.ColumnsOf("g")} FROM granted g RETURNING id),
        happened AS (
            INSERT INTO notification_records ({NotificationRecords.ColumnList})
            SELECT {NotificationRecords.ColumnsOf("d")} FROM {NotificationRecords.Unnest(2 + Registrations.Width, "d")}
              JOIN reg ON reg.id = d.subject_id)
        SELECT id FROM reg
        """;

    /// <summary>
    /// Takes the seats of <paramref name="requests"/> (sorted by event, in queue order within each) in one implicit
    /// transaction and one round trip, and says for each whether it got its seat. The requests of one event are decided
    /// by one statement (<see cref="Together"/>): the event row is locked and its counters move once. A lone request,
    /// or a group in which someone asks for more than one seat (so that a smaller request behind a larger one is
    /// decided as it would be alone), runs one guarded statement per request.
    /// </summary>
    public static async Task<bool[]> TakeSeatsAsync(NpgsqlDataSource dataSource, IReadOnlyList<Request> requests)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        foreach (var group in requests.GroupBy(r => r.Registration.EventId))
        {
            var members = group.ToList();
            if (members.Count == 1 || members.Any(r => r.Registration.Quantity != 1))
                foreach (var request in members) batch.BatchCommands.Add(GuardedSeat(request));
            else batch.BatchCommands.Add(SeatsTogether(group.Key, members));
        }
        var granted = new HashSet<Guid>();
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            do
            {
                while (await reader.ReadAsync()) granted.Add(reader.GetGuid(0));
            }
            while (await reader.NextResultAsync());
        }
        return requests.Select(r => granted.Contains(r.Registration.Id)).ToArray();
    }

    private static NpgsqlBatchCommand GuardedSeat(Request request)
    {
        var r = request.Registration;
        var command = Command(Guarded, r.EventId, r.MemberId, r.TicketTypeId, r.Quantity);
        Registrations.AddOne(command, r);
        NotificationRecords.AddOne(command, request.Record);
        command.Parameters.Add(Version(request.EventVersion));
        command.Parameters.Add(Version(request.MemberVersion));
        return command;
    }

    private static NpgsqlBatchCommand SeatsTogether(Guid eventId, IReadOnlyList<Request> requests)
    {
        var command = Command(Together, eventId);
        Registrations.AddMany(command, requests.Select(r => r.Registration).ToList());
        NotificationRecords.AddMany(command, requests.Select(r => r.Record).ToList());
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = requests.Select(r => r.EventVersion).ToArray(), DataTypeName = "bigint[]" });
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = requests.Select(r => r.MemberVersion).ToArray(), DataTypeName = "bigint[]" });
        return command;
    }

    private static NpgsqlParameter Version(long? version) => new NpgsqlParameter<long?> { TypedValue = version, DataTypeName = "bigint" };

    public static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}
