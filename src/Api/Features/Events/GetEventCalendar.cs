using System.Security.Claims;
using Assemble.Api.Common.Calendar;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;

namespace Assemble.Api.Features.Events;

public static class GetEventCalendar
{
    /// <summary>The public .ics of one event: never the join URL.</summary>
    public sealed class Handler(AppDbContext db)
    {
        public async Task<Result<string>> HandleAsync(ClaimsPrincipal user, Guid eventId, CancellationToken cancellationToken)
        {
            var e = await db.FindAsync(eventId, cancellationToken);
            if (e is null || !e.CanSee(user)) return EventErrors.NotFound;
            return IcsWriter.Write(EventCalendar.Entries(e, null), e.Title);
        }
    }
}
