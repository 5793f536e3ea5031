using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Events;

/// <summary>The join URL, materials and room notes: for confirmed attendees, panelists and organizers only.</summary>
public static class GetAttendeeInfo
{
    public static readonly Error NotAnAttendee = new("event.attendees_only", "This information is for confirmed attendees only.", ErrorKind.Forbidden);

    public sealed class Handler(AppDbContext db)
    {
        public async Task<Result<AttendeeInfoView>> HandleAsync(ClaimsPrincipal user, Guid eventId, CancellationToken cancellationToken)
        {
            var e = await db.FindAsync(eventId, cancellationToken);
            if (e is null || !e.CanSee(user)) return EventErrors.NotFound;
            var memberId = user.RequiredMemberId();
            var allowed = e.CanManage(user) || e.IsPanelist(memberId)
                || (e.Status != EventStatus.Cancelled && await db.Registrations.AnyAsync(
                    r => r.EventId == eventId && r.MemberId == memberId && r.Status == RegistrationStatus.Confirmed, cancellationToken));
            if (!allowed) return NotAnAttendee;
            return new AttendeeInfoView(e.Id, e.OnlineJoinUrl, e.AttendeeMaterials, e.AttendeeNotes,
                e.VenueName is null ? null : new VenueView(e.VenueName, e.VenueAddress, e.VenuePrefecture));
        }
    }
}
