using System.Security.Claims;
using Assemble.Api.Features.Registrations;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;

namespace Assemble.Api.Features.Events;

/// <summary>
/// Organizers replace an event's details. Under the event's lock: capacity never drops below the seats taken, and
/// seats a raised capacity frees go to the waitlist. A published event's attendees are told (an outbox row).
/// </summary>
public static class UpdateEvent
{
    public sealed class Handler(AppDbContext db, SeatKeeper seats, TimeProvider time)
    {
        public async Task<Result<EventView>> HandleAsync(ClaimsPrincipal user, Guid eventId, EventRequest request, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var details = request.ToDetails(now);
            var locked = await seats.LockAsync(eventId, cancellationToken);
            if (locked is not { } l) return EventErrors.NotFound;
            await using var transaction = l.Transaction;
            var e = l.Event;
            if (EventAccess.ManageError(e, user) is { } denied) return denied;
            if (!details.IsSuccess) return details.Error!;

            var updated = e.Update(details.Value!, now);
            if (!updated.IsSuccess) return updated.Error!;
            var types = request.ApplyTicketTypes(e, now);
            if (!types.IsSuccess) return types.Error!;
            // A raised capacity goes to the waitlist at once.
            if (e.SeatsLeft > 0) e.OfferFreeSeats(await l.WaitingAsync(cancellationToken), now);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return EventView.Of(e, now);
        }
    }
}
