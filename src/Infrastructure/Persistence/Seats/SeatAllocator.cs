using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Persistence.Notifications;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Assemble.Infrastructure.Persistence.Seats;

/// <summary>
/// The seat path behind <see cref="ISeatAllocator"/>. With one pool (no quota on the ticket type, no approval step)
/// the seat is one guarded statement, queued with the others of this process (<see cref="GroupCommitQueue{TJob}"/>):
/// no round trip while the event row is locked, and none before it when the event and the member are kept in memory
/// (<see cref="SeatMemory"/>): the statement then checks their versions. Otherwise two round trips: lock the event
/// row and read its counts, let the domain decide, then write and COMMIT in one batch. The CHECK constraints on the
/// counters and the one-active-registration index back either decision up.
/// </summary>
public sealed class SeatAllocator(NpgsqlDataSource dataSource, AppDbContext db, GroupCommitQueue<SeatStatements.Request> queue,
    SeatMemory memory, CommitClock clock, IOutboxSignal mailSignal) : ISeatAllocator
{
    /// <summary>What the last check of this request recalled from memory, if it read nothing (one registration per scope).</summary>
    private SeatMemory.Recalled? recalled;

    /// <summary>The seat path's group commit: one-pool registrations of one event taken together (<see cref="SeatStatements.TakeSeatsAsync"/>).</summary>
    public static GroupCommitQueue<SeatStatements.Request> CreateQueue(NpgsqlDataSource dataSource, CommitClock clock, IOutboxSignal mailSignal)
        => new(async requests =>
        {
            try
            {
                var taken = await SeatStatements.TakeSeatsAsync(dataSource, requests);
                // One raise for the whole run; the notifier, woken at most every few hundred ms, mails them together.
                if (taken.Any(t => t)) mailSignal.Raise();
                return taken;
            }
            finally
            {
                // Also when the call fails: the commit may have happened before the connection broke. A tick too many costs nothing.
                clock.Tick();
            }
        }, r => r.Registration.EventId);

    public async Task<SeatCheck> CheckAsync(Guid eventId, Guid ticketTypeId, Guid memberId, int quantity, StandingDays days, bool fresh, CancellationToken cancellationToken)
    {
        recalled = null;
        if (memory.KnowsSoldOut(eventId, ticketTypeId, quantity)) return new SeatCheck.SoldOut();
        if (!fresh && await memory.RecallAsync(eventId, ticketTypeId, memberId, days, () => SightAsync(eventId)) is { } kept)
        {
            recalled = kept;
            return new SeatCheck.Ready(kept.Event, kept.Member);
        }
        var stamp = memory.SoldOutStamp;
        var (counters, member) = await ReadAsync(eventId, ticketTypeId, memberId, days, cancellationToken);
        if (counters is not null && counters.SoldOutFor(quantity))
        {
            memory.RememberSoldOut(eventId, ticketTypeId, counters, stamp);
            return new SeatCheck.SoldOut();
        }
        if (member is null) return new SeatCheck.NotFound();
        memory.Remember(memberId, days, member.Value.Registrant, member.Value.Version);
        var e = await EventAsync(eventId, counters, cancellationToken);
        return e is null ? new SeatCheck.NotFound() : new SeatCheck.Ready(e, member.Value.Registrant);
    }

    public async Task<SeatOutcome> ReserveAsync(Event e, Registration registration, CancellationToken cancellationToken)
    {
        var ticketType = e.TicketTypes.FirstOrDefault(t => t.Id == registration.TicketTypeId);
        if (ticketType is null) return SeatOutcome.UnknownTicketType;
        var records = NotificationRecord.TakeFrom(registration);
        return SeatRoom.OnePool(e.RequiresApproval, ticketType.Quota)
            ? await ReserveGuardedAsync(registration, records.Single(), cancellationToken)
            : await ReserveLockedAsync(e, registration, records, cancellationToken);
    }

    /// <summary>One round trip before anything is decided: the counters (null when the ticket type is not the event's) and the member (null when the account is gone).</summary>
    private async Task<(SeatCounters? Counters, (Registrant Registrant, long Version)? Member)> ReadAsync(Guid eventId, Guid ticketTypeId, Guid memberId, StandingDays days, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { SeatStatements.Command(SeatStatements.ReadCounters, ticketTypeId, eventId), SeatStatements.Command(SeatStatements.ReadMember, memberId, days.Credentials, days.Membership) },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var counters = await ReadCountersAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return (counters, null);
        return (counters, (new Registrant(reader.GetBoolean(0), reader.GetFieldValue<string[]>(1).Select(Enum.Parse<Profession>).Order().ToList(), reader.GetBoolean(2)), reader.GetInt64(3)));
    }

    /// <summary>The event's version, then the event: the first sight of an event a rush shares (<see cref="SeatMemory.RecallAsync"/>).</summary>
    private async Task<SeatMemory.Sighted?> SightAsync(Guid eventId)
    {
        long version;
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var command = new NpgsqlCommand(SeatStatements.ReadVersion, connection) { Parameters = { new NpgsqlParameter { Value = eventId } } })
        {
            if (await command.ExecuteScalarAsync() is not long read) return null;
            version = read;
        }
        return await LoadAsync(eventId, CancellationToken.None) is { } e ? new SeatMemory.Sighted(e, version) : null;
    }

    private Task<Event?> LoadAsync(Guid eventId, CancellationToken token)
        => db.Events.AsNoTracking().Include(x => x.TicketTypes).Include(x => x.Sessions).AsSingleQuery().SingleOrDefaultAsync(x => x.Id == eventId, token);

    /// <summary>
    /// The event with its ticket types and sessions. On the one-pool path, which only reads it, the copy kept under
    /// the version just read; otherwise (the locked path changes it in memory) a fresh one.
    /// </summary>
    private Task<Event?> EventAsync(Guid eventId, SeatCounters? counters, CancellationToken cancellationToken)
    {
        return counters is { OnePool: true }
            ? memory.EventAsync(eventId, counters.Version, () => LoadAsync(eventId, CancellationToken.None))
            : LoadAsync(eventId, cancellationToken);
    }

    private async Task<SeatOutcome> ReserveGuardedAsync(Registration registration, NotificationRecord record, CancellationToken cancellationToken)
    {
        try
        {
            if (await queue.TakeSeatAsync(new SeatStatements.Request(registration, record, recalled?.EventVersion, recalled?.MemberVersion))) return SeatOutcome.Taken;
        }
        catch (PostgresException x) when (x.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return SeatOutcome.AlreadyRegistered;
        }
        // No seat taken: say why (read after the fact; nothing is held), and remember a sell-out for the rush behind.
        var stamp = memory.SoldOutStamp;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var why = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                SeatStatements.Command(SeatStatements.ReadCounters, registration.TicketTypeId, registration.EventId),
                SeatStatements.Command(SeatStatements.ReadHeld, registration.EventId, registration.MemberId),
            },
        };
        await using var reader = await why.ExecuteReaderAsync(cancellationToken);
        if (await ReadCountersAsync(reader, cancellationToken) is not { } counters) return SeatOutcome.EventNotFound;
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (counters.Status == EventStatus.Cancelled) return SeatOutcome.EventCancelled;
        if (counters.Status != EventStatus.Published) return SeatOutcome.NotOpen;
        // Remembered whoever asked: those who already hold a seat and press again are answered "sold out" from memory too.
        if (counters.SoldOutFor(registration.Quantity)) memory.RememberSoldOut(registration.EventId, registration.TicketTypeId, counters, stamp);
        if (reader.GetBoolean(0)) return SeatOutcome.AlreadyRegistered;
        // Checked against copies from memory that have changed since: the check is made again on what is read.
        if (recalled is { } r && (counters.Version != r.EventVersion || reader.IsDBNull(1) || reader.GetInt64(1) != r.MemberVersion)) return SeatOutcome.Stale;
        return SeatOutcome.SoldOut;
    }

    private static async Task<SeatCounters?> ReadCountersAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
        => await reader.ReadAsync(cancellationToken)
            ? new SeatCounters(Enum.Parse<EventStatus>(reader.GetString(0)), reader.GetBoolean(1), reader.GetInt32(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.GetInt32(5), reader.GetInt64(6))
            : null;

    private async Task<SeatOutcome> ReserveLockedAsync(Event e, Registration registration, List<NotificationRecord> records, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var committed = false;
        try
        {
            await using var read = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    SeatStatements.Command("BEGIN"),
                    SeatStatements.Command(SeatStatements.LockEvent, e.Id),
                    SeatStatements.Command(SeatStatements.ReadTypeSeats, registration.TicketTypeId),
                    SeatStatements.Command(SeatStatements.CountActive, e.Id, registration.MemberId),
                },
            };
            EventStatus status;
            int capacity, seatsTaken, typeSeatsTaken;
            long active;
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken)) return SeatOutcome.EventNotFound;
                status = Enum.Parse<EventStatus>(reader.GetString(0));
                capacity = reader.GetInt32(1);
                seatsTaken = reader.GetInt32(2);
                await reader.NextResultAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken)) return SeatOutcome.UnknownTicketType;
                typeSeatsTaken = reader.GetInt32(0);
                await reader.NextResultAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                active = reader.GetInt64(0);
            }

            if (status == EventStatus.Cancelled) return SeatOutcome.EventCancelled;
            if (status != EventStatus.Published) return SeatOutcome.NotOpen;
            if (active > 0) return SeatOutcome.AlreadyRegistered;
            e.UseLockedCounts(status, capacity, seatsTaken, registration.TicketTypeId, typeSeatsTaken);
            var takesSeats = registration.HoldsSeats;
            if (takesSeats && !e.TryTakeSeats(registration.TicketTypeId, registration.Quantity)) return SeatOutcome.SoldOut;

            await using var write = new NpgsqlBatch(connection);
            if (takesSeats)
            {
                write.BatchCommands.Add(SeatStatements.Command(SeatStatements.TakeEventSeats, e.Id, registration.Quantity));
                write.BatchCommands.Add(SeatStatements.Command(SeatStatements.TakeTypeSeats, registration.TicketTypeId, registration.Quantity));
            }
            write.BatchCommands.Add(SeatStatements.Registrations.Insert(registration));
            foreach (var record in records) write.BatchCommands.Add(SeatStatements.NotificationRecords.Insert(record));
            write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await write.ExecuteNonQueryAsync(cancellationToken);
            committed = true;
            mailSignal.Raise();
            return SeatOutcome.Taken;
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
}
