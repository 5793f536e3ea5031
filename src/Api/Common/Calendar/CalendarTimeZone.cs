using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;

namespace Assemble.Api.Common.Calendar;

/// <summary>
/// A time zone as an .ics file names it: the IANA id (Windows ids are converted, so "Tokyo Standard Time" and
/// "Asia/Tokyo" share one VTIMEZONE) and the rules to turn instants into local times.
/// </summary>
internal sealed class CalendarTimeZone
{
    private CalendarTimeZone(TimeZoneInfo zone, string tzId)
    {
        Zone = zone;
        TzId = tzId;
    }

    public TimeZoneInfo Zone { get; }
    public string TzId { get; }

    /// <exception cref="ArgumentException">No time zone has this id.</exception>
    public static CalendarTimeZone Find(string id)
    {
        if (string.IsNullOrWhiteSpace(id)) throw new ArgumentException("Every calendar entry needs a time zone id.", nameof(id));
        try
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            var tzId = zone.HasIanaId ? zone.Id : TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana) ? iana : zone.Id;
            return new CalendarTimeZone(tzId == zone.Id ? zone : TimeZoneInfo.FindSystemTimeZoneById(tzId), tzId);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"Unknown time zone '{id}'.", nameof(id), ex);
        }
    }

    /// <summary>
    /// DTSTART;TZID=Asia/Tokyo:20261208T190000. A local time that occurs twice (the hour repeated when daylight
    /// saving time ends) is written in UTC instead: RFC 5545 picks the first occurrence, but clients disagree
    /// (ical.js picks the second), and the UTC form is exact everywhere.
    /// </summary>
    public CalDateTime Time(DateTimeOffset instant)
        => Zone.IsAmbiguousTime(instant)
            ? new CalDateTime(instant.UtcDateTime, CalDateTime.UtcTzId)
            : new CalDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime, TzId);

    /// <summary>
    /// The VTIMEZONE from Ical.Net, with the rules in force from <paramref name="earliest"/> on. For a zone without
    /// daylight saving time Ical.Net repeats its last historical change every year (Asia/Tokyo: "+1000 to +0900 each
    /// September" since 1951), a change that never happens; that observance is written as what it means, one fixed
    /// offset.
    /// </summary>
    public VTimeZone ToVTimeZone(DateTime earliest)
    {
        var vtimezone = VTimeZone.FromSystemTimeZone(Zone, earliest, includeHistoricalData: false);
        vtimezone.TzId = TzId;
        if (vtimezone.TimeZoneInfos.Count == 1 && vtimezone.TimeZoneInfos[0] is { } only && string.Equals(only.Name, "STANDARD", StringComparison.OrdinalIgnoreCase))
        {
            only.RecurrenceRule = null;
            only.DtStart = new CalDateTime(1970, 1, 1, 0, 0, 0);
            only.OffsetFrom = only.OffsetTo;
        }
        return vtimezone;
    }
}
