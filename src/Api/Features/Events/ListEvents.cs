using Assemble.Api.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Events;

/// <summary>Published events by start time (upcoming by default), with seats left; keyset-paginated on (start, id).</summary>
public static class ListEvents
{
    public sealed record Query(
        EventKind? Kind, EventFormat? Format, Prefecture? Prefecture, DateTimeOffset? From, DateTimeOffset? To,
        Audience? Audience, bool? Free, bool? HasSeats, string? Q, (DateTimeOffset At, Guid Id)? After, int Take);

    public sealed class Handler(AppDbContext db, ListingCache cache, TimeProvider time)
    {
        /// <summary>The page as this process last read it (<see cref="ListingCache"/>), or read now.</summary>
        public Task<Page<EventSummary>> HandleAsync(Query query) => cache.GetAsync(query, () => ReadAsync(query));

        /// <summary>Not cancelled with the request: other requests may be waiting for the same read.</summary>
        private async Task<Page<EventSummary>> ReadAsync(Query query)
        {
            var now = time.GetUtcNow();
            var from = query.From ?? now;
            var events = db.Events.AsNoTracking().Where(e => e.Status == EventStatus.Published && e.EndsAt > from);
            if (query.To is { } to) events = events.Where(e => e.StartsAt < to);
            if (query.Kind is { } kind) events = events.Where(e => e.Kind == kind);
            if (query.Format is { } format) events = events.Where(e => e.Format == format);
            if (query.Prefecture is { } prefecture) events = events.Where(e => e.VenuePrefecture == prefecture);
            if (query.Audience is { } audience) events = events.Where(e => e.Audience == audience);
            if (query.HasSeats is { } hasSeats) events = events.Where(SeatRoom.EventsWithRoom(hasSeats));
            if (query.Free is { } free) events = events.Where(e => e.TicketTypes.Any(t => t.PriceYen == 0 || t.MemberPriceYen == 0) == free);
            if (!string.IsNullOrWhiteSpace(query.Q))
            {
                var pattern = "%" + query.Q.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
                events = events.Where(e => EF.Functions.ILike(e.Title, pattern, "\\") || EF.Functions.ILike(e.Description!, pattern, "\\"));
            }
            if (query.After is { } after)
                events = events.Where(e => e.StartsAt > after.At || (e.StartsAt == after.At && e.Id.CompareTo(after.Id) > 0));

            var rows = await events.OrderBy(e => e.StartsAt).ThenBy(e => e.Id).Take(query.Take + 1)
                .Select(e => new
                {
                    e.Id, e.Kind, e.Format, e.Status, e.Title, e.TimeZone, e.StartsAt, e.EndsAt, e.VenueName, e.VenuePrefecture,
                    e.Audience, e.Capacity, e.SeatsTaken,
                    Lowest = e.TicketTypes.Min(t => (int?)(t.MemberPriceYen ?? t.PriceYen)) ?? 0,
                })
                .ToListAsync();

            var items = rows.Select(r => new EventSummary(
                r.Id, r.Kind, r.Format, r.EndsAt <= now ? EventStatus.Completed : r.Status, r.Title, r.TimeZone,
                EventTime.Of(r.StartsAt, r.TimeZone), EventTime.Of(r.EndsAt, r.TimeZone), r.VenueName, r.VenuePrefecture, r.Audience,
                r.Capacity, SeatRoom.Left(r.Capacity, r.SeatsTaken), SeatRoom.Left(r.Capacity, r.SeatsTaken) == 0, r.Lowest, r.Lowest == 0)).ToList();
            var page = items.Count > query.Take ? items.Take(query.Take).ToList() : items;
            var next = items.Count > query.Take ? Cursor.Encode(page[^1].StartsAt.Utc, page[^1].Id) : null;
            return new Page<EventSummary>(page, next);
        }
    }
}
