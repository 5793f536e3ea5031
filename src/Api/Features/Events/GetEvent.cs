using System.Security.Claims;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;

namespace Assemble.Api.Features.Events;

public static class GetEvent
{
    public sealed class Handler(AppDbContext db, TimeProvider time)
    {
        public async Task<Result<EventView>> HandleAsync(ClaimsPrincipal user, Guid eventId, CancellationToken cancellationToken)
        {
            var e = await db.FindAsync(eventId, cancellationToken);
            if (e is null || !e.CanSee(user)) return EventErrors.NotFound;
            return EventView.Of(e, time.GetUtcNow());
        }
    }
}
