using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Events;

/// <summary>Who sees and who runs an event: drafts exist only for their organizers and admins (404 for others).</summary>
public static class EventAccess
{
    public static bool CanManage(this Event e, ClaimsPrincipal user)
        => user.IsAdmin() || (user.MemberId() is { } id && e.IsOrganizer(id));

    public static bool CanSee(this Event e, ClaimsPrincipal user) => e.Status != EventStatus.Draft || e.CanManage(user);

    public static Task<Event?> FindAsync(this AppDbContext db, Guid eventId, CancellationToken cancellationToken)
        => db.Events.AsNoTracking().Include(e => e.TicketTypes).Include(e => e.Sessions).AsSplitQuery()
            .SingleOrDefaultAsync(e => e.Id == eventId, cancellationToken);

    /// <summary>The event for an organizer's action: 404 when the caller cannot see it, 403 when they can but do not run it.</summary>
    public static Error? ManageError(Event? e, ClaimsPrincipal user)
        => e is null || !e.CanSee(user) ? EventErrors.NotFound : e.CanManage(user) ? null : EventErrors.NotOrganizer;
}
