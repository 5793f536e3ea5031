using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Assemble.Api.Features.Registrations;

/// <summary>
/// Every change to an event's seats outside the registration hot path starts here: take the event's row lock and
/// load the event (and, when a change frees seats, its waiting list); the caller changes them through the domain (<see cref="Event.ReturnSeats"/>
/// hands freed seats to the waitlist) and commits.
/// </summary>
public sealed class SeatKeeper(AppDbContext db)
{
    /// <summary>An event locked for change; its waiting list is read once, when a change needs it.</summary>
    public sealed class Locked(IDbContextTransaction transaction, Event e, AppDbContext db)
    {
        private List<WaitlistEntry>? waiting;

        public IDbContextTransaction Transaction => transaction;
        public Event Event => e;

        /// <summary>The event's waiting list in order of joining (read under the lock, then kept for this change).</summary>
        public async Task<IReadOnlyList<WaitlistEntry>> WaitingAsync(CancellationToken cancellationToken)
            => waiting ??= await db.WaitlistEntries
                .Where(w => w.EventId == e.Id && w.Status == WaitlistStatus.Waiting)
                .OrderBy(w => w.JoinedAt).ThenBy(w => w.Id)
                .ToListAsync(cancellationToken);
    }

    /// <summary>Starts a transaction and locks the event row; returns null (and no transaction) when the event does not exist.</summary>
    public async Task<Locked?> LockAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var locked = await db.Database.SqlQuery<Guid>($"SELECT id AS \"Value\" FROM events WHERE id = {eventId} FOR UPDATE").ToListAsync(cancellationToken);
        if (locked.Count == 0)
        {
            await transaction.DisposeAsync();
            return null;
        }
        var e = await db.Events.Include(x => x.TicketTypes).Include(x => x.Sessions).SingleAsync(x => x.Id == eventId, cancellationToken);
        return new Locked(transaction, e, db);
    }

    /// <summary>The member leaves the event's waitlist; an open offer's held seat goes to the next in line.</summary>
    public async Task<Result> LeaveWaitlistAsync(Guid eventId, Guid memberId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await LockAsync(eventId, cancellationToken) is not { } l) return EventErrors.NotFound;
        await using var transaction = l.Transaction;
        var entry = await db.WaitlistEntries.SingleOrDefaultAsync(
            w => w.EventId == eventId && w.MemberId == memberId && (w.Status == WaitlistStatus.Waiting || w.Status == WaitlistStatus.Offered), cancellationToken);
        if (entry is null) return WaitlistErrors.NotWaiting;
        var hadOffer = entry.Status == WaitlistStatus.Offered;
        entry.Leave(now);
        if (hadOffer) l.Event.ReturnSeats(entry.TicketTypeId, 1, await l.WaitingAsync(cancellationToken), now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Success();
    }

    /// <summary>
    /// Holds whose time has run out and that nothing else keeps: a hold whose Checkout Session Stripe may still take
    /// money for is ended by reconciliation, when Stripe says the session expired (<see cref="Domain.Payments.Payment.KeepsHold"/>).
    /// </summary>
    public static IQueryable<Registration> DueHolds(AppDbContext db, DateTimeOffset now)
    {
        var kept = db.Payments.Where(Domain.Payments.Payment.KeepsHoldRule);
        return db.Registrations.Where(r => r.Status == RegistrationStatus.PendingPayment && r.HoldExpiresAt <= now && !kept.Any(p => p.RegistrationId == r.Id));
    }

    /// <summary>Ends holds and offers whose time has run out for one event, and passes their seats on. Returns how many ended.</summary>
    public async Task<int> ExpireDueAsync(Guid eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await LockAsync(eventId, cancellationToken) is not { } l) return 0;
        await using var transaction = l.Transaction;
        var e = l.Event;
        var holds = await DueHolds(db, now).Where(r => r.EventId == eventId).ToListAsync(cancellationToken);
        var offers = await db.WaitlistEntries
            .Where(w => w.EventId == eventId && w.Status == WaitlistStatus.Offered && w.OfferExpiresAt <= now)
            .ToListAsync(cancellationToken);
        var ended = 0;
        foreach (var hold in holds.Where(h => h.ExpireHold(now)))
        {
            e.ReturnSeats(hold.TicketTypeId, hold.Quantity, await l.WaitingAsync(cancellationToken), now);
            ended++;
        }
        foreach (var offer in offers.Where(o => o.ExpireOffer(now)))
        {
            e.ReturnSeats(offer.TicketTypeId, 1, await l.WaitingAsync(cancellationToken), now);
            ended++;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ended;
    }
}
