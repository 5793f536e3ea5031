using Assemble.Api.Common.Json;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Registrations;
using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Events;

/// <summary>
/// An organizer cancels the event with a reason: every registration is cancelled and the waitlist closed in the
/// same transaction (<see cref="Event.Cancel"/>), everyone is told, and paid registrations are queued for refund.
/// </summary>
public static class CancelEvent
{
    public sealed record Request([property: AllowLineBreaks] string? Reason);

    public sealed class Handler(AppDbContext db, SeatKeeper seats, TimeProvider time)
    {
        public async Task<Result<EventView>> HandleAsync(ClaimsPrincipal user, Guid eventId, Request request, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var locked = await seats.LockAsync(eventId, cancellationToken);
            if (locked is not { } l) return EventErrors.NotFound;
            await using var transaction = l.Transaction;
            var e = l.Event;
            if (EventAccess.ManageError(e, user) is { } denied) return denied;

            var registrations = await db.Registrations.Where(r => r.EventId == e.Id).ToListAsync(cancellationToken);
            var holds = registrations.Where(r => r.Status == RegistrationStatus.PendingPayment).Select(r => r.Id).ToList();
            var waitlist = await db.WaitlistEntries.Where(w => w.EventId == e.Id).ToListAsync(cancellationToken);
            var cancelled = e.Cancel(request.Reason ?? "", registrations, waitlist, now);
            if (!cancelled.IsSuccess) return cancelled.Error!;

            // Open Checkout Sessions end with their holds (expired at Stripe by the payment job); paid seats are refunded.
            await Payments.OpenCheckouts.EndAsync(db, holds, now, cancellationToken);
            foreach (var paid in cancelled.Value!)
                await Payments.RefundRequests.RequestAsync(db, paid.Id, Domain.Payments.RefundReason.EventCancelled, null, now, cancellationToken);
            db.AuditEntries.Add(new AuditEntry(user.RequiredMemberId(), "event.cancelled", "event", e.Id, now));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return EventView.Of(e, now);
        }
    }
}
