using Assemble.Api.Common.Json;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Registrations;

/// <summary>
/// What cancelling, removing, approving and declining share: find the registration, lock its event, change it
/// through the domain (which raises what to tell the member), free or take seats, offer freed seats to the waitlist, commit.
/// </summary>
public sealed class RegistrationChanges(AppDbContext db, SeatKeeper seats, TimeProvider time, Microsoft.Extensions.Options.IOptions<Payments.PaymentOptions> paymentOptions)
{
    public enum Actor { Member, Organizer }

    public async Task<Result<RegistrationView>> ChangeAsync(
        ClaimsPrincipal user, Guid registrationId, Actor actor,
        Func<Registration, Event, DateTimeOffset, Result> change, CancellationToken cancellationToken)
    {
        var eventId = await db.Registrations.Where(r => r.Id == registrationId).Select(r => (Guid?)r.EventId).SingleOrDefaultAsync(cancellationToken);
        if (eventId is null) return RegistrationErrors.NotFound;
        var now = time.GetUtcNow();
        var locked = await seats.LockAsync(eventId.Value, cancellationToken);
        if (locked is not { } l) return RegistrationErrors.NotFound;
        await using var transaction = l.Transaction;
        var e = l.Event;
        var registration = await db.Registrations.SingleAsync(r => r.Id == registrationId, cancellationToken);

        var memberId = user.RequiredMemberId();
        var mine = registration.MemberId == memberId;
        if (actor == Actor.Member && !mine) return RegistrationErrors.NotFound;
        // The registration is visible to its member (403 for them); for anyone else it does not exist.
        if (actor == Actor.Organizer && !e.CanManage(user)) return mine ? EventErrors.NotOrganizer : RegistrationErrors.NotFound;

        var heldBefore = registration.HoldsSeats;
        var paidBefore = registration.Status == RegistrationStatus.Confirmed && registration.AmountYen > 0;
        var changed = change(registration, e, now);
        if (!changed.IsSuccess) return changed.Error!;

        if (heldBefore && !registration.HoldsSeats)
        {
            e.ReturnSeats(registration.TicketTypeId, registration.Quantity, await l.WaitingAsync(cancellationToken), now);
            if (paidBefore)
            {
                // A member's own cancellation gives back what the event's rule says (the configured fee kept, nothing
                // past the deadline, which only an account deletion reaches); an organizer's removal refunds everything.
                var back = actor == Actor.Member
                    ? e.RefundOnMemberCancellation(registration.AmountYen, paymentOptions.Value.CancellationFeeYen, now)
                    : registration.AmountYen;
                var fee = registration.AmountYen - back;
                if (back > 0)
                    await Payments.RefundRequests.RequestAsync(db, registration.Id,
                        actor == Actor.Member ? Domain.Payments.RefundReason.MemberCancelled : Domain.Payments.RefundReason.OrganizerRefund,
                        back, now, cancellationToken, fee);
            }
            // A hold that ends takes its open Checkout Session with it: nobody pays for a seat that is gone.
            else await Payments.OpenCheckouts.EndAsync(db, [registration.Id], now, cancellationToken);
        }
        else if (!heldBefore && registration.HoldsSeats && !e.TryTakeSeats(registration.TicketTypeId, registration.Quantity))
        {
            return RegistrationErrors.SoldOut;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return RegistrationView.Of(registration, e);
    }
}

public static class CancelRegistration
{
    /// <summary>The member cancels before the event's deadline; the seat goes to the first in line.</summary>
    public sealed class Handler(RegistrationChanges changes)
    {
        public Task<Result<RegistrationView>> HandleAsync(ClaimsPrincipal user, Guid id, CancellationToken cancellationToken)
            => changes.ChangeAsync(user, id, RegistrationChanges.Actor.Member, (r, e, now) => r.Cancel(e, now), cancellationToken);
    }
}

public static class RemoveRegistration
{
    public sealed record Request([property: AllowLineBreaks] string? Reason);

    /// <summary>An organizer removes a registration with a reason; the seat goes to the first in line.</summary>
    public sealed class Handler(RegistrationChanges changes)
    {
        public Task<Result<RegistrationView>> HandleAsync(ClaimsPrincipal user, Guid id, Request request, CancellationToken cancellationToken)
            => changes.ChangeAsync(user, id, RegistrationChanges.Actor.Organizer, (r, e, now) => r.Remove(e, request.Reason ?? "", now), cancellationToken);
    }
}

public static class ApproveRegistration
{
    /// <summary>An organizer approves a cohort application; it takes its seat now (409 when none is left).</summary>
    public sealed class Handler(RegistrationChanges changes)
    {
        public Task<Result<RegistrationView>> HandleAsync(ClaimsPrincipal user, Guid id, CancellationToken cancellationToken)
            => changes.ChangeAsync(user, id, RegistrationChanges.Actor.Organizer, (r, e, now) => r.Approve(e, now), cancellationToken);
    }
}

public static class DeclineRegistration
{
    public sealed record Request([property: AllowLineBreaks] string? Reason);

    public sealed class Handler(RegistrationChanges changes)
    {
        public Task<Result<RegistrationView>> HandleAsync(ClaimsPrincipal user, Guid id, Request request, CancellationToken cancellationToken)
            => changes.ChangeAsync(user, id, RegistrationChanges.Actor.Organizer, (r, _, now) => r.Decline(request.Reason ?? "", now), cancellationToken);
    }
}

public static class GetRegistration
{
    /// <summary>Visible to its member and the event's organizers; everyone else gets 404.</summary>
    public sealed class Handler(AppDbContext db)
    {
        public async Task<Result<RegistrationView>> HandleAsync(ClaimsPrincipal user, Guid id, CancellationToken cancellationToken)
        {
            var registration = await db.Registrations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
            if (registration is null) return RegistrationErrors.NotFound;
            var e = (await db.FindAsync(registration.EventId, cancellationToken))!;
            if (registration.MemberId != user.RequiredMemberId() && !e.CanManage(user)) return RegistrationErrors.NotFound;
            var checkedIn = await db.CheckIns.Where(c => c.RegistrationId == id).Select(c => c.SessionId).ToListAsync(cancellationToken);
            return RegistrationView.Of(registration, e, checkedIn);
        }
    }
}

public static class ListMyRegistrations
{
    public sealed class Handler(AppDbContext db)
    {
        public async Task<Page<RegistrationView>> HandleAsync(ClaimsPrincipal user, Guid? after, int take, CancellationToken cancellationToken)
        {
            var memberId = user.RequiredMemberId();
            var query = db.Registrations.AsNoTracking().Where(r => r.MemberId == memberId);
            if (after is { } a) query = query.Where(r => r.Id.CompareTo(a) < 0);
            var rows = await query.OrderByDescending(r => r.Id).Take(take + 1).ToListAsync(cancellationToken);
            var eventIds = rows.Select(r => r.EventId).Distinct().ToList();
            var events = await db.Events.AsNoTracking().Include(e => e.TicketTypes).Where(e => eventIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
            return Cursor.ToPage(rows.Select(r => RegistrationView.Of(r, events[r.EventId])).ToList(), take, v => v.Id);
        }
    }
}
