using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;

namespace Assemble.Api.Features.Events;

/// <summary>An organizer creates an event as a draft (visible only to its organizers until published).</summary>
public static class ScheduleEvent
{
    public sealed class Handler(AppDbContext db, TimeProvider time)
    {
        public async Task<Result<EventView>> HandleAsync(ClaimsPrincipal user, EventRequest request, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var details = request.ToDetails(now);
            if (!details.IsSuccess) return details.Error!;
            var created = Event.Create(Guid.CreateVersion7(now), user.RequiredMemberId(), details.Value!, now);
            if (!created.IsSuccess) return created.Error!;
            var e = created.Value!;
            var types = request.ApplyTicketTypes(e, now);
            if (!types.IsSuccess) return types.Error!;
            db.Events.Add(e);
            db.AuditEntries.Add(new AuditEntry(user.RequiredMemberId(), "event.created", "event", e.Id, now));
            await db.SaveChangesAsync(cancellationToken);
            return EventView.Of(e, now);
        }
    }
}
