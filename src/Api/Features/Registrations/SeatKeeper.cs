using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Assemble.Api.Features.Registrations;

/// <summary>
/// Every change to an event's seats outside the registration hot path goes through here: take the event's row
/// lock, load the event fresh, change it through the domain, hand freed seats to the waitlist, commit.
/// </summary>
public sealed class SeatKeeper(AppDbContext db)
{
    /// <summary>Starts a transaction and locks the event row; returns null (and no transaction) when the event does not exist.</summary>
    public async Task<(IDbContextTransaction Transaction, Event Event)?> LockAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var locked = await db.Database.SqlQuery<Guid>($"SELECT id AS \"Value\" FROM events WHERE id = {eventId} FOR UPDATE").ToListAsync(cancellationToken);
        if (locked.Count == 0)
        {
            await transaction.DisposeAsync();
            return null;
        }
        var e = await db.Events.Include(x => x.TicketTypes).Include(x => x.Sessions).SingleAsync(x => x.Id == eventId, cancellationToken);
        return (transaction, e);
    }

    /// <summary>
    /// Offers free seats to the waitlist in order of joining, each exactly once: the seat is counted as taken while
    /// the offer is open, so the public still sees the event as sold out. No offers after sales close or the start.
    /// </summary>
    public async Task OfferFreeSeatsAsync(Event e, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (e.SeatsLeft == 0) return;
        var waiting = await db.WaitlistEntries
            .Where(w => w.EventId == e.Id && w.Status == WaitlistStatus.Waiting)
            .OrderBy(w => w.JoinedAt).ThenBy(w => w.Id)
            .ToListAsync(cancellationToken);
        foreach (var entry in waiting)
        {
            if (e.SeatsLeft == 0) break;
            var ticketType = e.TicketTypes.First(t => t.Id == entry.TicketTypeId);
            if (!e.AcceptsOffers(ticketType, now)) continue;
            if (!e.TryTakeSeats(ticketType.Id, 1)) continue;
            entry.Offer(e.OfferDeadline(ticketType, now), now);
        }
    }

    /// <summary>The member leaves the event's waitlist; an open offer's held seat goes to the next in line.</summary>
    public async Task<Result> LeaveWaitlistAsync(Guid eventId, Guid memberId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var locked = await LockAsync(eventId, cancellationToken);
        if (locked is not { } l) return EventErrors.NotFound;
        await using var transaction = l.Transaction;
        var entry = await db.WaitlistEntries.SingleOrDefaultAsync(
            w => w.EventId == eventId && w.MemberId == memberId && (w.Status == WaitlistStatus.Waiting || w.Status == WaitlistStatus.Offered), cancellationToken);
        if (entry is null) return WaitlistErrors.NotWaiting;
        var hadOffer = entry.Status == WaitlistStatus.Offered;
        entry.Leave(now);
        if (hadOffer)
        {
            l.Event.ReleaseSeats(entry.TicketTypeId, 1);
            await OfferFreeSeatsAsync(l.Event, now, cancellationToken);
        }
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
        var locked = await LockAsync(eventId, cancellationToken);
        if (locked is not { } l) return 0;
        await using var transaction = l.Transaction;
        var e = l.Event;
        var ended = 0;
        var holds = await DueHolds(db, now).Where(r => r.EventId == eventId).ToListAsync(cancellationToken);
        foreach (var hold in holds.Where(h => h.ExpireHold(now)))
        {
            e.ReleaseSeats(hold.TicketTypeId, hold.Quantity);
            ended++;
        }
        var offers = await db.WaitlistEntries
            .Where(w => w.EventId == eventId && w.Status == WaitlistStatus.Offered && w.OfferExpiresAt <= now)
            .ToListAsync(cancellationToken);
        foreach (var offer in offers.Where(o => o.ExpireOffer(now)))
        {
            e.ReleaseSeats(offer.TicketTypeId, 1);
            ended++;
        }
        await OfferFreeSeatsAsync(e, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ended;
    }
}
