using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using IcalCalendar = Ical.Net.Calendar;

namespace Assemble.Api.Common.Calendar;

/// <summary>
/// Writes .ics files (RFC 5545, METHOD:PUBLISH) with Ical.Net, whose serializer escapes TEXT values and folds lines
/// at 75 octets. Output is deterministic: DTSTAMP is taken from <see cref="CalendarEntry.LastModified"/>.
/// </summary>
public static class IcsWriter
{
    public const string ProductId = "-//Assemble//Assemble API//JA";

    /// <summary>A VCALENDAR with one VTIMEZONE per time zone (in order of first use), then one VEVENT per entry (in input order).</summary>
    /// <exception cref="ArgumentException">Unknown time zone, empty UID, end before start, or a URL that is not an absolute http(s) URI.</exception>
    public static string Write(IEnumerable<CalendarEntry> entries, string? calendarName = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries.ToList();
        var zones = new Dictionary<string, CalendarTimeZone>(StringComparer.Ordinal);
        var earliest = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var used = new List<CalendarTimeZone>();
        var events = new List<CalendarEvent>(list.Count);
        foreach (var entry in list)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
            Check(entry);
            if (!zones.TryGetValue(entry.TimeZoneId, out var zone))
            {
                zones.Add(entry.TimeZoneId, zone = CalendarTimeZone.Find(entry.TimeZoneId));
            }
            var localStart = TimeZoneInfo.ConvertTime(entry.StartsAt, zone.Zone).DateTime.Date;
            if (!earliest.TryGetValue(zone.TzId, out var first))
            {
                used.Add(zone);
                earliest[zone.TzId] = localStart;
            }
            else if (localStart < first)
            {
                earliest[zone.TzId] = localStart;
            }
            events.Add(ToVEvent(entry, zone));
        }

        var calendar = new IcalCalendar { ProductId = ProductId, Scale = "GREGORIAN", Method = "PUBLISH" };
        if (!string.IsNullOrEmpty(calendarName)) calendar.AddProperty("X-WR-CALNAME", Clean(calendarName));
        foreach (var zone in used) calendar.AddTimeZone(zone.ToVTimeZone(earliest[zone.TzId]));
        foreach (var e in events) calendar.Events.Add(e);
        return new CalendarSerializer().SerializeToString(calendar) ?? throw new InvalidOperationException("Ical.Net wrote no calendar.");
    }

    private static void Check(CalendarEntry entry)
    {
        if (string.IsNullOrWhiteSpace(entry.Uid)) throw new ArgumentException("Every calendar entry needs a UID.", nameof(entry));
        if (entry.EndsAt < entry.StartsAt) throw new ArgumentException($"Calendar entry '{entry.Uid}' ends before it starts.", nameof(entry));
        if (entry.Sequence < 0) throw new ArgumentException($"Calendar entry '{entry.Uid}' has a negative SEQUENCE.", nameof(entry));
    }

    private static CalendarEvent ToVEvent(CalendarEntry entry, CalendarTimeZone zone)
    {
        var modified = new CalDateTime(entry.LastModified.UtcDateTime, CalDateTime.UtcTzId);
        return new CalendarEvent
        {
            Uid = Clean(entry.Uid),
            Sequence = entry.Sequence,
            DtStamp = modified,
            LastModified = modified,
            DtStart = zone.Time(entry.StartsAt),
            // RFC 5545 3.8.2.2: DTEND must be later than DTSTART; a zero-length event is written without DTEND.
            DtEnd = entry.EndsAt > entry.StartsAt ? zone.Time(entry.EndsAt) : null,
            Summary = Clean(entry.Summary ?? ""),
            Description = entry.Description is null ? null : Clean(entry.Description),
            Location = entry.Location is null ? null : Clean(entry.Location),
            Url = string.IsNullOrEmpty(entry.Url) ? null : AbsoluteUri(entry),
            Status = entry.Cancelled ? "CANCELLED" : "CONFIRMED",
        };
    }

    /// <summary>
    /// Only a web address that can stand in a URL property as it is; anything else (a stored row from before the
    /// domain's <c>JoinUrl</c> rule) is left out rather than failing the whole calendar — and the mail it rides in.
    /// </summary>
    private static Uri? AbsoluteUri(CalendarEntry entry)
    {
        var url = entry.Url!;
        // On Linux "/api/x" parses as an absolute file:// URI: only web addresses are taken.
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && !url.Any(char.IsControl) && !url.Any(char.IsWhiteSpace)
            ? uri
            : null;
    }

    /// <summary>
    /// TEXT may not hold control characters other than TAB and line breaks (which Ical.Net writes as \n); Ical.Net
    /// writes them as they are, and parsers (Ical.Net's own included) then reject the whole file. They are dropped.
    /// </summary>
    private static string Clean(string value) => value.Any(IsForbidden) ? string.Concat(value.Where(c => !IsForbidden(c))) : value;

    private static bool IsForbidden(char c) => c is < '\u0020' and not ('\t' or '\r' or '\n') or '\u007f';
}
