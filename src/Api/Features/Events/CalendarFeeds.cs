using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Assemble.Api.Common;
using Assemble.Api.Common.Calendar;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;
using Assemble.Infrastructure.Persistence.Configurations;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Events;

public static class CalendarFeeds
{
    public sealed record CalendarFeedView(string Url);

    public static readonly Error FeedNotFound = new("calendar.not_found", "No such calendar feed.", ErrorKind.NotFound);

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Creates the member's private feed, or replaces it (the old address stops working).</summary>
    public sealed class CreateHandler(AppDbContext db, TimeProvider time, Infrastructure.Email.PublicLinks links)
    {
        /// <summary>The address is absolute, on the public address: calendar apps need one.</summary>
        public async Task<CalendarFeedView> HandleAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
        {
            var memberId = user.RequiredMemberId();
            var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
            var feed = await db.CalendarFeeds.SingleOrDefaultAsync(f => f.MemberId == memberId, cancellationToken);
            if (feed is null) db.CalendarFeeds.Add(feed = new CalendarFeed { MemberId = memberId });
            feed.TokenHash = Hash(token);
            feed.CreatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            return new CalendarFeedView(links.To($"/api/calendar/{token}.ics"));
        }
    }

    public sealed class RevokeHandler(AppDbContext db)
    {
        public async Task HandleAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
        {
            var memberId = user.RequiredMemberId();
            await db.CalendarFeeds.Where(f => f.MemberId == memberId).ExecuteDeleteAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The member's own feed: events they are confirmed for (with the join URL, theirs to see), and events of theirs
    /// that were cancelled (STATUS:CANCELLED, so calendars remove them). The token is the only credential.
    /// </summary>
    public sealed class FeedHandler(AppDbContext db, TimeProvider time)
    {
        public async Task<Result<string>> HandleAsync(string token, CancellationToken cancellationToken)
        {
            if (token.Length is < 16 or > 64) return FeedNotFound;
            var hash = Hash(token);
            var memberId = await db.CalendarFeeds.Where(f => f.TokenHash == hash).Select(f => (Guid?)f.MemberId).SingleOrDefaultAsync(cancellationToken);
            if (memberId is null) return FeedNotFound;
            var since = time.GetUtcNow().AddDays(-90);
            var eventIds = await db.Registrations
                .Where(r => r.MemberId == memberId && (r.Status == RegistrationStatus.Confirmed || r.EndReason == "event_cancelled"))
                .Select(r => r.EventId).Distinct().ToListAsync(cancellationToken);
            var events = await db.Events.AsNoTracking().Include(e => e.Sessions).AsSplitQuery()
                .Where(e => eventIds.Contains(e.Id) && e.EndsAt > since).OrderBy(e => e.StartsAt).ToListAsync(cancellationToken);
            return IcsWriter.Write(events.SelectMany(e => EventCalendar.Entries(e, e.Status == EventStatus.Cancelled ? null : e.OnlineJoinUrl)), "Assemble");
        }
    }
}
