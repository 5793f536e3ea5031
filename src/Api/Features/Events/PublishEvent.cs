using System.Security.Claims;
using Assemble.Api.Features.Members;
using Assemble.Api.Common;
using Assemble.Api.Features.Registrations;
using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;

namespace Assemble.Api.Features.Events;

public static class PublishEvent
{
    public sealed class Handler(AppDbContext db, SeatKeeper seats, Viewers viewers, TimeProvider time)
    {
        public async Task<Result<EventView>> HandleAsync(ClaimsPrincipal user, Guid eventId, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var locked = await seats.LockAsync(eventId, cancellationToken);
            if (locked is not { } l) return EventErrors.NotFound;
            await using var transaction = l.Transaction;
            var e = l.Event;
            if (EventAccess.ManageError(e, user) is { } denied) return denied;

            var panel = e.Speakers.Where(s => s.MemberId is not null).Select(s => s.MemberId!.Value).Distinct().ToList();
            var verified = await viewers.VerifiedProfessionsAsync(panel, cancellationToken);
            var published = e.Publish(verified.ToDictionary(v => v.Key, v => v.Value), now);
            if (!published.IsSuccess) return published.Error!;
            db.AuditEntries.Add(new AuditEntry(user.RequiredMemberId(), "event.published", "event", e.Id, now));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return EventView.Of(e, now);
        }
    }
}
