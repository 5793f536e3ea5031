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
            var pattern = string.IsNullOrWhiteSpace(query.Q)
                ? null
                : QueryValues.Containing(query.Q);
            var items = new List<EventSummary>(query.Take + 1);
            await foreach (var r in Published(db, query.From ?? now, query.To, query.Kind, query.Format, query.Prefecture, query.Audience,
                               query.HasSeats, query.Free, pattern, query.After?.At, query.After?.Id ?? Guid.Empty, query.Take + 1))
                items.Add(new EventSummary(
                    r.Id, r.Kind, r.Format, r.EndsAt <= now ? EventStatus.Completed : r.Status, r.Title, r.TimeZone,
                    EventTime.Of(r.StartsAt, r.TimeZone), EventTime.Of(r.EndsAt, r.TimeZone), r.VenueName, r.VenuePrefecture, r.Audience,
                    r.Capacity, SeatRoom.Left(r.Capacity, r.SeatsTaken), SeatRoom.Left(r.Capacity, r.SeatsTaken) == 0, r.LowestOpen ?? r.Lowest ?? 0, r.LowestForMembers ?? 0,
                    !r.MembersOnly && r.LowestOpen == 0, r.MembersOnly));
            var page = items.Count > query.Take ? items.Take(query.Take).ToList() : items;
            var next = items.Count > query.Take ? Cursor.Encode(page[^1].StartsAt.Utc, page[^1].Id) : null;
            return new Page<EventSummary>(page, next);
        }

        private sealed record Row(
            Guid Id, EventKind Kind, EventFormat Format, EventStatus Status, string Title, string TimeZone, DateTimeOffset StartsAt,
            DateTimeOffset EndsAt, string? VenueName, Prefecture? VenuePrefecture, Audience Audience, int Capacity, int SeatsTaken, int? LowestOpen, int? Lowest, int? LowestForMembers, bool MembersOnly);

        /// <summary>
        /// Compiled once: a filter left null drops out of the SQL (EF keeps one statement per set of null filters), and
        /// a request skips building, hashing and looking up the query's expression tree (docs/decisions/0004).
        /// </summary>
        private static readonly Func<AppDbContext, DateTimeOffset, DateTimeOffset?, EventKind?, EventFormat?, Prefecture?, Audience?,
            bool?, bool?, string?, DateTimeOffset?, Guid, int, IAsyncEnumerable<Row>> Published = EF.CompileAsyncQuery(
            (AppDbContext db, DateTimeOffset from, DateTimeOffset? to, EventKind? kind, EventFormat? format, Prefecture? prefecture,
                Audience? audience, bool? hasSeats, bool? free, string? pattern, DateTimeOffset? afterAt, Guid afterId, int take) =>
                db.Events.AsNoTracking()
                    .Where(e => e.Status == EventStatus.Published && e.EndsAt > from)
                    .Where(e => to == null || e.StartsAt < to)
                    .Where(e => kind == null || e.Kind == kind)
                    .Where(e => format == null || e.Format == format)
                    .Where(e => prefecture == null || e.VenuePrefecture == prefecture)
                    .Where(e => audience == null || e.Audience == audience)
                    .Where(e => hasSeats == null || (e.SeatsTaken < e.Capacity) == hasSeats) // SeatRoom.Fits(capacity, taken, 1); EventTests hold the two together
                    .Where(e => free == null || (!e.MembersOnly && e.TicketTypes.Any(t => t.PriceYen == 0 && !t.MembersOnly)) == free) // Event/TicketType.OpenTo(false)
                    .Where(e => pattern == null || EF.Functions.ILike(e.Title, pattern, "\\") || EF.Functions.ILike(e.Description!, pattern, "\\"))
                    .Where(e => afterAt == null || e.StartsAt > afterAt || (e.StartsAt == afterAt && e.Id.CompareTo(afterId) > 0))
                    .OrderBy(e => e.StartsAt).ThenBy(e => e.Id).Take(take)
                    .Select(e => new Row(
                        e.Id, e.Kind, e.Format, e.Status, e.Title, e.TimeZone, e.StartsAt, e.EndsAt, e.VenueName, e.VenuePrefecture,
                        e.Audience, e.Capacity, e.SeatsTaken, e.TicketTypes.Where(t => !t.MembersOnly).Min(t => (int?)t.PriceYen), e.TicketTypes.Min(t => (int?)t.PriceYen),
                        e.TicketTypes.Min(t => (int?)(t.MemberPriceYen ?? t.PriceYen)), e.MembersOnly))); // TicketType.PriceFor(true) for the member price
    }
}
