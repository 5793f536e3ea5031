using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence.Notifications;
using Npgsql;
using NpgsqlTypes;

namespace Assemble.Infrastructure.Persistence;

/// <summary>
/// The registration hot path. With one pool (no quota on the ticket type, no approval) it is one batch whose guarded
/// UPDATE decides and writes: no round trip while the event row is locked. Otherwise two round trips: (1) BEGIN and
/// lock the event row, reading the seat counts as they are now; the domain decides in memory; (2) write the counters,
/// the registration and its outbox rows, and COMMIT in one batch — one round trip while the lock is held. The CHECK
/// constraints on the counters and the one-active-registration index back either decision up.
/// </summary>
public sealed partial class RegistrationLedger(NpgsqlDataSource dataSource, RegistrationDesk desk, CommitClock clock, Email.IOutboxSignal mailSignal)
{
    private const string Active = RuleSql.ActiveStatuses;
    private static readonly string RoomForAskedSeats = RuleSql.EventFits("$5"); // $5: the seats asked, in GuardedSeat

    /// <summary>The seat counters of an event and one of its ticket types, and the event's version (see <c>EventVersion</c>).</summary>
    public sealed record Seats(EventStatus Status, bool RequiresApproval, int Capacity, int SeatsTaken, int? Quota, int TypeSeatsTaken, long Version)
    {
        /// <summary>Whether the seat is decided by the event's capacity alone (the one-statement path of <see cref="ReserveAsync"/>).</summary>
        public bool OnePool => !RequiresApproval && Quota is null;

        /// <summary>Sold out as read: published, no approval step, and a pool without room for <paramref name="quantity"/>.</summary>
        public bool SoldOutFor(int quantity) => Status == EventStatus.Published && !RequiresApproval
            && !SeatRoom.Fits(Capacity, SeatsTaken, Quota, TypeSeatsTaken, quantity);
    }

    /// <summary>What a member brings to a registration: a confirmed e-mail, verified professions (sorted), and where and in which language to write.</summary>
    public sealed record Registrant(bool EmailConfirmed, string? Email, PreferredLanguage? Language, IReadOnlyList<Profession> VerifiedProfessions);

    /// <summary>
    /// One round trip before anything is decided: the seats (null when the ticket type is not the event's) and the
    /// member (null when the account is gone). A credential counts while verified and not expired on <paramref name="today"/>.
    /// </summary>
    public async Task<(Seats? Seats, Registrant? Member)> ReadAsync(Guid eventId, Guid ticketTypeId, Guid memberId, DateOnly today, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command(
                    """
                    SELECT e.status, e.requires_approval, e.capacity, e.seats_taken, t.quota, t.seats_taken, e.version
                      FROM ticket_types t JOIN events e ON e.id = t.event_id
                     WHERE t.id = $1 AND t.event_id = $2
                    """, ticketTypeId, eventId),
                MemberCommand(memberId, today),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        Seats? seats = null;
        if (await reader.ReadAsync(cancellationToken))
        {
            seats = new Seats(Enum.Parse<EventStatus>(reader.GetString(0)), reader.GetBoolean(1), reader.GetInt32(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.GetInt32(5), reader.GetInt64(6));
        }
        await reader.NextResultAsync(cancellationToken);
        return (seats, await ReadRegistrantAsync(reader, cancellationToken));
    }

    /// <summary>The member alone (a waitlist entry checks the same rules without a seat).</summary>
    public async Task<Registrant?> ReadMemberAsync(Guid memberId, DateOnly today, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { MemberCommand(memberId, today) } };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await ReadRegistrantAsync(reader, cancellationToken);
    }

    private static NpgsqlBatchCommand MemberCommand(Guid memberId, DateOnly today) => Command(MemberSql, memberId, today);

    private static readonly string MemberSql = $"""
        SELECT u.email_confirmed, u.email, p.preferred_language,
               ARRAY(SELECT DISTINCT c.kind FROM credentials c
                      WHERE c.member_id = u.id AND {RuleSql.CredentialValidOn("c", "$2")})
          FROM users u LEFT JOIN member_profiles p ON p.id = u.id
         WHERE u.id = $1
        """;

    private static async Task<Registrant?> ReadRegistrantAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new Registrant(reader.GetBoolean(0), reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : Enum.Parse<PreferredLanguage>(reader.GetString(2)),
            reader.GetFieldValue<string[]>(3).Select(Enum.Parse<Profession>).Order().ToList());
    }

    /// <summary>Takes the seat (unless the event wants approval first) and writes the registration with what it raised.</summary>
    public async Task<Result<Registration>> ReserveAsync(Event e, RegistrationAttempt attempt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ticketType = e.TicketTypes.FirstOrDefault(t => t.Id == attempt.TicketTypeId);
        if (ticketType is null) return RegistrationErrors.UnknownTicketType;
        // With one pool (the event's capacity; the ticket type has no quota of its own) the rule is one comparison,
        // so one guarded statement decides and writes, and the event row is locked for that statement alone.
        if (!e.RequiresApproval && ticketType.Quota is null) return await ReserveGuardedAsync(e, attempt, now, cancellationToken);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var committed = false;
        try
        {
            await using var read = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("BEGIN"),
                    Command("SELECT status, capacity, seats_taken FROM events WHERE id = $1 FOR UPDATE", e.Id),
                    Command("SELECT seats_taken FROM ticket_types WHERE id = $1", attempt.TicketTypeId),
                    Command($"SELECT count(*) FROM registrations WHERE event_id = $1 AND member_id = $2 AND status IN {Active}", e.Id, attempt.MemberId),
                },
            };
            string status;
            int capacity, seatsTaken, typeSeatsTaken;
            long active;
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken)) return EventErrors.NotFound;
                status = reader.GetString(0);
                capacity = reader.GetInt32(1);
                seatsTaken = reader.GetInt32(2);
                await reader.NextResultAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken)) return RegistrationErrors.UnknownTicketType;
                typeSeatsTaken = reader.GetInt32(0);
                await reader.NextResultAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                active = reader.GetInt64(0);
            }

            var lockedStatus = Enum.Parse<EventStatus>(status);
            if (lockedStatus == EventStatus.Cancelled) return RegistrationErrors.EventCancelled;
            if (lockedStatus != EventStatus.Published) return RegistrationErrors.NotPublished;
            if (active > 0) return RegistrationErrors.AlreadyRegistered;
            e.UseLockedCounts(lockedStatus, capacity, seatsTaken, attempt.TicketTypeId, typeSeatsTaken);
            var takesSeats = !e.RequiresApproval;
            if (takesSeats && !e.TryTakeSeats(attempt.TicketTypeId, attempt.Quantity)) return RegistrationErrors.SoldOut;

            var registration = Registration.Start(e, attempt, now);
            var records = Records(registration);

            await using var write = new NpgsqlBatch(connection);
            if (takesSeats)
            {
                write.BatchCommands.Add(Command("UPDATE events SET seats_taken = seats_taken + $2 WHERE id = $1", e.Id, attempt.Quantity));
                write.BatchCommands.Add(Command("UPDATE ticket_types SET seats_taken = seats_taken + $2 WHERE id = $1", attempt.TicketTypeId, attempt.Quantity));
            }
            write.BatchCommands.Add(InsertRegistration(registration));
            foreach (var record in records) write.BatchCommands.Add(InsertRecord(record));
            write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await write.ExecuteNonQueryAsync(cancellationToken);
            committed = true;
            mailSignal.Raise();
            return registration;
        }
        finally
        {
            // Also when the write failed: COMMIT may have happened before the connection broke. A tick too many costs nothing.
            clock.Tick();
            if (!committed && connection.State == System.Data.ConnectionState.Open)
            {
                await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
                await rollback.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// The one-pool path: one statement (<see cref="GuardedSeat"/>) runs in an implicit transaction shared with the
    /// registrations arriving at the same moment (<see cref="RegistrationDesk"/>): the guarded
    /// <c>UPDATE … WHERE seats_taken + q &lt;= capacity</c> (and no active registration of the member), with the
    /// registration, its domain event and its mail inserted only if it took the seat. No round trip is made while the
    /// row is locked.
    /// </summary>
    private async Task<Result<Registration>> ReserveGuardedAsync(Event e, RegistrationAttempt attempt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var registration = Registration.Start(e, attempt, now);
        try
        {
            if (await desk.TakeSeatAsync(new SeatRequest(registration, Records(registration).Single()))) return registration;
        }
        catch (PostgresException x) when (x.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return RegistrationErrors.AlreadyRegistered;
        }

        // No seat taken: say why (read after the fact; nothing is held).
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var why = new NpgsqlCommand(
            $"SELECT status, EXISTS (SELECT 1 FROM registrations WHERE event_id = $1 AND member_id = $2 AND status IN {Active}) FROM events WHERE id = $1", connection)
        {
            Parameters = { new() { Value = e.Id }, new() { Value = attempt.MemberId } },
        };
        await using var reader = await why.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return EventErrors.NotFound;
        return (reader.GetString(0), reader.GetBoolean(1)) switch
        {
            ("Cancelled", _) => RegistrationErrors.EventCancelled,
            ("Published", true) => RegistrationErrors.AlreadyRegistered,
            ("Published", false) => RegistrationErrors.SoldOut,
            _ => RegistrationErrors.NotPublished,
        };
    }

    /// <summary>A registration on the one-pool path with what is written with it, waiting for its seat.</summary>
    public sealed record SeatRequest(Registration Registration, NotificationRecord Record);

    /// <summary>
    /// Takes the seats of <paramref name="requests"/> (sorted by event, in queue order within each) in one implicit
    /// transaction and one round trip, and says for each whether it got its seat. The requests of one event are decided
    /// by one statement (<see cref="SeatsTogether"/>): the event row is locked and its counters move once, instead of
    /// once per request with the row's every new version written again. A lone request, or a group in which someone
    /// asks for more than one seat (so that a smaller request behind a larger one is decided as it would be alone),
    /// runs one guarded statement per request (<see cref="GuardedSeat"/>).
    /// </summary>
    public static async Task<bool[]> TakeSeatsAsync(NpgsqlDataSource dataSource, IReadOnlyList<SeatRequest> requests)
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

    /// <summary>One request: the guarded seat (and no active registration of the member), then the registration, its domain event and its mail, each only if the one before was written; returns the registration's id when it took the seat.</summary>
    private static NpgsqlBatchCommand GuardedSeat(SeatRequest request)
    {
        var statement = new NpgsqlBatchCommand();
        var reg = Append(statement, InsertRegistration(request.Registration, where: "WHERE EXISTS (SELECT 1 FROM seat)"));
        var record = Append(statement, InsertRecord(request.Record));
        statement.CommandText = $"""
            WITH seat AS (
                UPDATE events SET seats_taken = seats_taken + $5
                WHERE id = $2 AND status = 'Published' AND {RoomForAskedSeats}
                  AND NOT EXISTS (SELECT 1 FROM registrations WHERE event_id = $2 AND member_id = $3 AND status IN {Active})
                RETURNING id),
            type_seat AS (
                UPDATE ticket_types SET seats_taken = seats_taken + $5 WHERE id = $4 AND EXISTS (SELECT 1 FROM seat) RETURNING id),
            reg AS ({reg} RETURNING id)
            {record} FROM reg RETURNING subject_id
            """;
        return statement;
    }

    /// <summary>
    /// One seat each for the requests of one event as one statement: granted in queue order while seats last, a
    /// member's first request only and none for a member who already holds an active registration; the registrations,
    /// their domain events and their mail are inserted for the granted ones alone. Returns the granted ids.
    /// Each lookup is written so that no plan can turn it into a scan, whatever the statistics say (a new database,
    /// or a first big event selling out before autovacuum has analysed the table): the member's active registration
    /// is a LATERAL probe per request (a NOT EXISTS became an anti join that walked all of the event's registrations
    /// for every request), and the event row is found by its key alone. A member's first request is found by a window
    /// over the run (one sort), not by a min() per request over the whole run (quadratic: 7 ms of a 250-request run).
    /// </summary>
    private static NpgsqlBatchCommand SeatsTogether(Guid eventId, IReadOnlyList<SeatRequest> requests)
    {
        var rs = requests.Select(r => r.Registration).ToList();
        var ds = requests.Select(r => r.Record).ToList();
        static DateTime? Utc(DateTimeOffset? t) => t?.UtcDateTime;
        var statement = new NpgsqlBatchCommand($"""
            WITH cand AS (
                SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::int[], $7::timestamptz[], $8::jsonb[],
                                     $9::int[], $10::timestamptz[], $11::text[], $12::timestamptz[], $13::timestamptz[], $14::uuid[])
                    WITH ORDINALITY AS c(id, member_id, ticket_type_id, status, amount_yen, hold_expires_at, answers,
                                         pledge_version, pledge_accepted_at, check_in_code, created_at, confirmed_at, waitlist_entry_id, ord)),
            fresh AS (
                SELECT c.* FROM (SELECT c.*, row_number() OVER (PARTITION BY c.member_id ORDER BY c.ord) AS nth FROM cand c) c
                  LEFT JOIN LATERAL (SELECT 1 AS held FROM registrations r
                                      WHERE r.event_id = $1 AND r.member_id = c.member_id AND r.status IN {Active} LIMIT 1) h ON true
                 WHERE c.nth = 1 AND h.held IS NULL),
            room AS (SELECT CASE WHEN status = 'Published' THEN {RuleSql.EventSeatsLeft} ELSE 0 END AS free FROM events WHERE id = $1 FOR NO KEY UPDATE),
            granted AS (
                SELECT f.* FROM (SELECT f.*, row_number() OVER (ORDER BY f.ord) AS place FROM fresh f) f, room WHERE f.place <= room.free),
            seat AS (
                UPDATE events SET seats_taken = seats_taken + (SELECT count(*) FROM granted) WHERE id = $1 AND EXISTS (SELECT 1 FROM granted)),
            type_seat AS (
                UPDATE ticket_types t SET seats_taken = t.seats_taken + g.n
                  FROM (SELECT ticket_type_id, count(*) AS n FROM granted GROUP BY ticket_type_id) g WHERE t.id = g.ticket_type_id),
            reg AS (
                INSERT INTO registrations (id, event_id, member_id, ticket_type_id, quantity, status, amount_yen, hold_expires_at, answers,
                    pledge_version, pledge_accepted_at, check_in_code, created_at, confirmed_at, ended_at, end_reason, waitlist_entry_id)
                SELECT id, $1, member_id, ticket_type_id, 1, status, amount_yen, hold_expires_at, answers,
                       pledge_version, pledge_accepted_at, check_in_code, created_at, confirmed_at, NULL, NULL, waitlist_entry_id
                  FROM granted
                RETURNING id),
            happened AS (
                INSERT INTO notification_records (id, type, event_id, member_id, subject_id, occurred_at, payload, processed_at)
                SELECT d.id, d.type, $1, d.member_id, d.subject_id, d.occurred_at, d.payload, NULL
                  FROM unnest($15::uuid[], $16::text[], $17::uuid[], $18::uuid[], $19::timestamptz[], $20::jsonb[])
                       AS d(id, type, member_id, subject_id, occurred_at, payload)
                  JOIN reg ON reg.id = d.subject_id)
            SELECT id FROM reg
            """);
        void Add<T>(IEnumerable<T> values) => statement.Parameters.Add(new NpgsqlParameter { Value = values.ToArray() });
        statement.Parameters.Add(new NpgsqlParameter { Value = eventId });
        Add(rs.Select(r => r.Id));
        Add(rs.Select(r => r.MemberId));
        Add(rs.Select(r => r.TicketTypeId));
        Add(rs.Select(r => r.Status.ToString()));
        Add(rs.Select(r => r.AmountYen));
        Add(rs.Select(r => Utc(r.HoldExpiresAt)));
        Add(rs.Select(r => JsonColumn.Serialize(r.Answers)));
        Add(rs.Select(r => r.PledgeVersion));
        Add(rs.Select(r => Utc(r.PledgeAcceptedAt)));
        Add(rs.Select(r => r.CheckInCode));
        Add(rs.Select(r => r.CreatedAt.UtcDateTime));
        Add(rs.Select(r => Utc(r.ConfirmedAt)));
        Add(rs.Select(r => r.WaitlistEntryId));
        Add(ds.Select(d => d.Id));
        Add(ds.Select(d => d.Type));
        Add(ds.Select(d => d.MemberId));
        Add(ds.Select(d => d.SubjectId));
        Add(ds.Select(d => d.OccurredAt.UtcDateTime));
        Add(ds.Select(d => d.Payload));
        return statement;
    }

    /// <summary>What the new registration raised, as the rows written with it (mail is made from them after the commit).</summary>
    private static List<NotificationRecord> Records(Registration registration)
    {
        var records = registration.DomainEvents.Select(NotificationRecord.Of).ToList();
        registration.ClearDomainEvents();
        return records;
    }

    /// <summary>
    /// Moves <paramref name="part"/>'s parameters to the end of <paramref name="into"/>'s and returns its SQL with
    /// the placeholders renumbered to match (for composing one statement out of several).
    /// </summary>
    private static string Append(NpgsqlBatchCommand into, NpgsqlBatchCommand part)
    {
        var offset = into.Parameters.Count;
        var parameters = part.Parameters.ToList();
        part.Parameters.Clear();
        foreach (var parameter in parameters) into.Parameters.Add(parameter);
        return Placeholder().Replace(part.CommandText, m => "$" + (int.Parse(m.Groups[1].Value) + offset));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\$(\d+)")]
    private static partial System.Text.RegularExpressions.Regex Placeholder();

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    /// <summary>INSERT … SELECT of one row; <paramref name="where"/> makes it conditional.</summary>
    private static NpgsqlBatchCommand InsertRegistration(Registration r, string where = "")
    {
        var command = new NpgsqlBatchCommand(
            $"""
            INSERT INTO registrations (id, event_id, member_id, ticket_type_id, quantity, status, amount_yen, hold_expires_at, answers,
                pledge_version, pledge_accepted_at, check_in_code, created_at, confirmed_at, ended_at, end_reason, waitlist_entry_id)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, NULL, $15 {where}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = r.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = r.EventId });
        command.Parameters.Add(new NpgsqlParameter { Value = r.MemberId });
        command.Parameters.Add(new NpgsqlParameter { Value = r.TicketTypeId });
        command.Parameters.Add(new NpgsqlParameter { Value = r.Quantity });
        command.Parameters.Add(new NpgsqlParameter { Value = r.Status.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = r.AmountYen });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)r.HoldExpiresAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonColumn.Serialize(r.Answers), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)r.PledgeVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)r.PledgeAcceptedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = r.CheckInCode });
        command.Parameters.Add(new NpgsqlParameter { Value = r.CreatedAt });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)r.ConfirmedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)r.WaitlistEntryId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        return command;
    }

    private static NpgsqlBatchCommand InsertRecord(NotificationRecord d)
    {
        var command = new NpgsqlBatchCommand(
            "INSERT INTO notification_records (id, type, event_id, member_id, subject_id, occurred_at, payload, processed_at) SELECT $1, $2, $3, $4, $5, $6, $7, NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = d.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = d.Type });
        command.Parameters.Add(new NpgsqlParameter { Value = d.EventId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)d.MemberId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)d.SubjectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = d.OccurredAt });
        command.Parameters.Add(new NpgsqlParameter { Value = d.Payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
        return command;
    }
}
