using System.Text;
using Assemble.Api.Common.Calendar;
using Assemble.Domain.Events;

namespace Assemble.Api.Features.Events;

/// <summary>An event as .ics entries: the public file, the member's feed and the confirmation mail all write it this way.</summary>
public static class EventCalendar
{
    /// <summary>
    /// One entry per session for a coaching cohort (its evenings, each with its own UID from the event's and the
    /// session's ids) — whatever its count, so a cohort that grows from one session to two does not leave an orphan
    /// behind in calendars; any other event has one session and keeps the UID it always had. The join URL only when
    /// <paramref name="joinUrl"/> is given (the member's own feed and mail).
    /// </summary>
    public static IEnumerable<CalendarEntry> Entries(Event e, string? joinUrl)
    {
        var description = new StringBuilder();
        if (e.Description is { } d) description.Append(d);
        if (joinUrl is not null) description.Append("\n\n参加URL / Join: ").Append(joinUrl);
        if (e.Status == EventStatus.Cancelled && e.CancellationReason is { } reason) description.Insert(0, $"中止 / Cancelled: {reason}\n\n");
        var text = description.Length == 0 ? null : description.ToString();
        var location = e.Format == EventFormat.Online ? "オンライン / Online"
            : string.Join(" ", new[] { e.VenueName, e.VenueAddress }.Where(x => x is not null));
        var place = location.Length == 0 ? null : location;
        var cancelled = e.Status == EventStatus.Cancelled;

        if (e.Kind != EventKind.CoachingCohort)
        {
            return [new CalendarEntry(Uid(e), e.Sequence, e.StartsAt, e.EndsAt, e.TimeZone, e.Title, text, place, joinUrl, cancelled, e.UpdatedAt)];
        }
        // An event always has at least one session: none means a path forgot to load them.
        var sessions = e.Sessions.OrderBy(s => s.StartsAt).ToList();
        if (sessions.Count == 0) throw new InvalidOperationException($"Load the sessions of cohort {e.Id} before writing its calendar.");
        return sessions.Select((s, i) => new CalendarEntry(SessionUid(e, s), e.Sequence, s.StartsAt, s.EndsAt, e.TimeZone,
            $"{e.Title} ({i + 1}/{sessions.Count}){(s.Title is { } title ? " " + title : "")}", text, place, joinUrl, cancelled, e.UpdatedAt));
    }

    public static string Uid(Event e) => $"{e.Id}@assemble";

    public static string SessionUid(Event e, EventSession session) => $"{e.Id}.{session.Id}@assemble";
}
