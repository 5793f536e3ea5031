using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Assemble.Api.Common.Calendar;

/// <summary>One event of an iCalendar feed. Instants are absolute; they are written in the event's own time zone.</summary>
public sealed record CalendarEvent(
    string Uid,
    int Sequence,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string TimeZoneId,
    string Summary,
    string? Description,
    string? Location,
    string? Url,
    bool Cancelled,
    DateTimeOffset LastModified);

/// <summary>
/// Dependency-free RFC 5545 writer for published event feeds (METHOD:PUBLISH).
/// Output is deterministic: DTSTAMP is taken from <see cref="CalendarEvent.LastModified"/>.
/// </summary>
public static class ICalendarWriter
{
    public const string ProductId = "-//Assemble//Assemble API//JA";

    private const int MaxLineOctets = 75;
    private const string Crlf = "\r\n";
    private const string LocalFormat = "yyyyMMdd'T'HHmmss";
    private const string UtcFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>
    /// Writes a VCALENDAR with one VTIMEZONE per distinct time zone (in order of first use) and one VEVENT per event (in input order).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown time zone id, empty UID, end before start, or a URL that is not an absolute URI.</exception>
    public static string Write(IEnumerable<CalendarEvent> events, string? calendarName = null)
    {
        ArgumentNullException.ThrowIfNull(events);

        var list = events.ToList();
        var zones = new List<ZoneUse>();
        var zoneByInputId = new Dictionary<string, ZoneUse>(StringComparer.Ordinal);
        var zoneByTzId = new Dictionary<string, ZoneUse>(StringComparer.Ordinal);
        var locals = new List<(ZoneUse Zone, DateTime Start, DateTime End)>(list.Count);

        foreach (var e in list)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            if (string.IsNullOrWhiteSpace(e.Uid))
            {
                throw new ArgumentException("Every calendar event needs a UID.", nameof(events));
            }
            if (e.EndsAt < e.StartsAt)
            {
                throw new ArgumentException($"Calendar event '{e.Uid}' ends before it starts.", nameof(events));
            }
            if (e.Sequence < 0)
            {
                throw new ArgumentException($"Calendar event '{e.Uid}' has a negative SEQUENCE.", nameof(events));
            }

            var inputId = e.TimeZoneId ?? throw new ArgumentException($"Calendar event '{e.Uid}' has no time zone.", nameof(events));
            if (!zoneByInputId.TryGetValue(inputId, out var zone))
            {
                var found = new ZoneUse(FindZone(inputId));
                // "Tokyo Standard Time" and "Asia/Tokyo" share one VTIMEZONE: TZIDs must be unique in a VCALENDAR.
                if (!zoneByTzId.TryGetValue(found.TzId, out zone))
                {
                    zone = found;
                    zoneByTzId.Add(zone.TzId, zone);
                    zones.Add(zone);
                }
                zoneByInputId.Add(inputId, zone);
            }

            var start = TimeZoneInfo.ConvertTime(e.StartsAt, zone.Zone).DateTime;
            var end = TimeZoneInfo.ConvertTime(e.EndsAt, zone.Zone).DateTime;
            zone.MinYear = Math.Min(zone.MinYear, start.Year);
            zone.MaxYear = Math.Max(zone.MaxYear, end.Year);
            locals.Add((zone, start, end));
        }

        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "PRODID:" + ProductId,
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
        };
        if (!string.IsNullOrEmpty(calendarName))
        {
            lines.Add("X-WR-CALNAME:" + EscapeText(calendarName));
        }

        foreach (var zone in zones)
        {
            WriteTimeZone(lines, zone);
        }

        for (var i = 0; i < list.Count; i++)
        {
            var e = list[i];
            var (zone, start, end) = locals[i];
            lines.Add("BEGIN:VEVENT");
            lines.Add("UID:" + EscapeText(e.Uid));
            lines.Add("DTSTAMP:" + Utc(e.LastModified));
            lines.Add("DTSTART" + ZonedTime(zone, e.StartsAt, start));
            // RFC 5545 3.8.2.2: DTEND must be later than DTSTART; a zero-length event is written without DTEND.
            if (e.EndsAt > e.StartsAt)
            {
                lines.Add("DTEND" + ZonedTime(zone, e.EndsAt, end));
            }
            lines.Add("SEQUENCE:" + e.Sequence.ToString(CultureInfo.InvariantCulture));
            lines.Add("SUMMARY:" + EscapeText(e.Summary ?? ""));
            if (e.Description is not null)
            {
                lines.Add("DESCRIPTION:" + EscapeText(e.Description));
            }
            if (e.Location is not null)
            {
                lines.Add("LOCATION:" + EscapeText(e.Location));
            }
            if (!string.IsNullOrEmpty(e.Url))
            {
                lines.Add("URL:" + UriValue(e.Url, e.Uid));
            }
            lines.Add("STATUS:" + (e.Cancelled ? "CANCELLED" : "CONFIRMED"));
            lines.Add("LAST-MODIFIED:" + Utc(e.LastModified));
            lines.Add("END:VEVENT");
        }

        lines.Add("END:VCALENDAR");

        var sb = new StringBuilder();
        foreach (var line in lines)
        {
            sb.Append(FoldLine(line)).Append(Crlf);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Folds one content line (RFC 5545 3.1): physical lines of at most 75 UTF-8 octets joined by CRLF + one space.
    /// Never splits a UTF-8 sequence (folds between Unicode scalar values). No trailing CRLF is added.
    /// </summary>
    /// <exception cref="ArgumentException">The line contains CR or LF (escape TEXT values first).</exception>
    public static string FoldLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("A content line cannot contain CR or LF.", nameof(line));
        }
        if (Encoding.UTF8.GetByteCount(line) <= MaxLineOctets)
        {
            return line;
        }

        var sb = new StringBuilder(line.Length + line.Length / 20 * 3);
        var octets = 0;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > MaxLineOctets)
            {
                sb.Append(Crlf).Append(' ');
                octets = 1; // the leading space counts towards the 75 octets
            }
            sb.Append(rune.ToString());
            octets += size;
        }
        return sb.ToString();
    }

    /// <summary>
    /// Escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma are backslash-escaped, and
    /// CRLF / CR / LF become <c>\n</c>. Other control characters (not allowed in TEXT) except TAB are dropped.
    /// </summary>
    public static string EscapeText(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case ';': sb.Append(@"\;"); break;
                case ',': sb.Append(@"\,"); break;
                case '\r':
                    sb.Append(@"\n");
                    if (i + 1 < value.Length && value[i + 1] == '\n')
                    {
                        i++;
                    }
                    break;
                case '\n': sb.Append(@"\n"); break;
                case '\t': sb.Append(c); break;
                default:
                    if (!char.IsControl(c) || c > '\u007f')
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// ";TZID=Asia/Tokyo:20261208T190000". A local time that occurs twice (the hour repeated when daylight saving
    /// time ends) is written in UTC instead ("...Z"): RFC 5545 resolves it to the first occurrence, but clients
    /// disagree (ical.js picks the second), and the UTC form is exact everywhere.
    /// </summary>
    private static string ZonedTime(ZoneUse zone, DateTimeOffset instant, DateTime local) =>
        zone.Zone.IsAmbiguousTime(instant)
            ? ":" + Utc(instant)
            : $";TZID={ParamValue(zone.TzId)}:{local.ToString(LocalFormat, CultureInfo.InvariantCulture)}";

    private static string Utc(DateTimeOffset value) =>
        value.UtcDateTime.ToString(UtcFormat, CultureInfo.InvariantCulture);

    private static string UriValue(string url, string uid)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out _) || url.Any(char.IsControl) || url.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"Calendar event '{uid}' has a URL that is not an absolute URI.", nameof(url));
        }
        return url;
    }

    private static string ParamValue(string value) =>
        value.AsSpan().IndexOfAny(":;,") >= 0 ? "\"" + value.Replace("\"", "", StringComparison.Ordinal) + "\"" : value;

    private static TimeZoneInfo FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("Every calendar event needs a time zone id.", nameof(id));
        }
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"Unknown time zone '{id}'.", nameof(id), ex);
        }
    }

    // ---- VTIMEZONE ------------------------------------------------------------------------------------------

    private sealed class ZoneUse(TimeZoneInfo zone)
    {
        public TimeZoneInfo Zone { get; } = zone;

        /// <summary>The IANA id when one is known (Windows ids are converted), otherwise the zone's own id.</summary>
        public string TzId { get; } = zone.HasIanaId
            ? zone.Id
            : TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana) ? iana : zone.Id;

        public int MinYear { get; set; } = int.MaxValue;
        public int MaxYear { get; set; } = int.MinValue;
    }

    private readonly record struct Observance(bool Daylight, DateTime LocalStart, TimeSpan OffsetFrom, TimeSpan OffsetTo, string? Name);

    private static void WriteTimeZone(List<string> lines, ZoneUse use)
    {
        lines.Add("BEGIN:VTIMEZONE");
        lines.Add("TZID:" + use.TzId);
        foreach (var o in Observances(use))
        {
            var kind = o.Daylight ? "DAYLIGHT" : "STANDARD";
            lines.Add("BEGIN:" + kind);
            lines.Add("DTSTART:" + o.LocalStart.ToString(LocalFormat, CultureInfo.InvariantCulture));
            lines.Add("TZOFFSETFROM:" + Offset(o.OffsetFrom));
            lines.Add("TZOFFSETTO:" + Offset(o.OffsetTo));
            if (!string.IsNullOrEmpty(o.Name))
            {
                lines.Add("TZNAME:" + EscapeText(o.Name));
            }
            lines.Add("END:" + kind);
        }
        lines.Add("END:VTIMEZONE");
    }

    /// <summary>
    /// The observances needed to resolve every local time of the events: each UTC-offset change inside the event
    /// years, preceded by the last change before them (so January events are covered too). When nothing changed in
    /// the year before, the offset in force is written as one observance starting 1970-01-01 (e.g. Asia/Tokyo).
    /// </summary>
    private static IReadOnlyList<Observance> Observances(ZoneUse use) =>
        ObservanceCache.GetOrAdd((use.Zone.Id, use.MinYear, use.MaxYear), _ => FindObservances(use));

    /// <summary>A zone's rules do not change while the process runs, and finding the transitions takes a day-by-day scan of the years.</summary>
    private static readonly ConcurrentDictionary<(string Zone, int MinYear, int MaxYear), IReadOnlyList<Observance>> ObservanceCache = new();

    private static List<Observance> FindObservances(ZoneUse use)
    {
        var tz = use.Zone;
        // A day of slack either side: local years are at most 14 hours away from UTC years.
        var from = new DateTimeOffset(Math.Max(use.MinYear, 2), 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(-1);
        var to = new DateTimeOffset(Math.Min(use.MaxYear, 9998) + 1, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(1);

        var changes = Transitions(tz, from.AddDays(-366), to);
        var before = changes.FindLastIndex(t => t < from);
        var kept = changes.Skip(Math.Max(before, 0)).ToList();

        var result = new List<Observance>();
        if (before < 0)
        {
            var offset = tz.GetUtcOffset(from);
            result.Add(new Observance(
                tz.IsDaylightSavingTime(from), new DateTime(1970, 1, 1), offset, offset, ZoneNames.Abbreviation(use.TzId, from, offset)));
        }
        foreach (var at in kept)
        {
            var offsetFrom = tz.GetUtcOffset(at.AddSeconds(-1));
            var offsetTo = tz.GetUtcOffset(at);
            result.Add(new Observance(
                tz.IsDaylightSavingTime(at),
                (at.UtcDateTime + offsetFrom),
                offsetFrom,
                offsetTo,
                ZoneNames.Abbreviation(use.TzId, at, offsetTo)));
        }
        return result;
    }

    /// <summary>UTC instants (whole seconds) at which the zone's UTC offset changes, found by a daily scan and a binary search.</summary>
    private static List<DateTimeOffset> Transitions(TimeZoneInfo tz, DateTimeOffset from, DateTimeOffset to)
    {
        var result = new List<DateTimeOffset>();
        var current = from;
        var currentOffset = tz.GetUtcOffset(current);
        while (current < to)
        {
            var next = current.AddDays(1);
            var nextOffset = tz.GetUtcOffset(next);
            if (nextOffset != currentOffset)
            {
                // Invariant: offset(lo) == currentOffset, offset(hi) != currentOffset.
                long lo = 0, hi = 86_400;
                while (hi - lo > 1)
                {
                    var mid = (lo + hi) / 2;
                    if (tz.GetUtcOffset(current.AddSeconds(mid)) == currentOffset)
                    {
                        lo = mid;
                    }
                    else
                    {
                        hi = mid;
                    }
                }
                result.Add(current.AddSeconds(hi));
            }
            current = next;
            currentOffset = nextOffset;
        }
        return result;
    }

    private static string Offset(TimeSpan offset)
    {
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        var text = string.Create(CultureInfo.InvariantCulture, $"{sign}{abs.Hours + abs.Days * 24:00}{abs.Minutes:00}");
        return abs.Seconds == 0 ? text : text + abs.Seconds.ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Time zone abbreviations (JST, EST, EDT, ...) read from the system's TZif file, which .NET does not expose.
    /// Anything unexpected (no file, Windows, unknown format) yields no name; TZNAME is optional.
    /// </summary>
    private static class ZoneNames
    {
        private static readonly ConcurrentDictionary<string, TzifData?> Cache = new(StringComparer.Ordinal);

        public static string? Abbreviation(string ianaId, DateTimeOffset at, TimeSpan expectedOffset)
        {
            try
            {
                var data = Cache.GetOrAdd(ianaId, Load);
                var name = data?.NameAt(at.ToUnixTimeSeconds(), (long)expectedOffset.TotalSeconds);
                return name is null || name.Any(c => char.IsControl(c)) ? null : name;
            }
            catch (Exception)
            {
                return null;
            }
        }

        private static TzifData? Load(string ianaId)
        {
            try
            {
                if (ianaId.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(ianaId))
                {
                    return null;
                }
                var dir = Environment.GetEnvironmentVariable("TZDIR");
                if (string.IsNullOrEmpty(dir))
                {
                    dir = "/usr/share/zoneinfo";
                }
                var path = Path.Combine(dir, ianaId);
                return File.Exists(path) ? TzifData.Parse(File.ReadAllBytes(path)) : null;
            }
            catch (Exception)
            {
                // The abbreviation is optional: a missing, unreadable or unexpected file must never break a feed.
                return null;
            }
        }
    }

    private sealed record TzType(long Offset, bool Daylight, string Name);

    /// <summary>The parts of a TZif file (RFC 8536) needed for abbreviations: transitions, local time types and the POSIX TZ footer.</summary>
    private sealed class TzifData
    {
        private long[] _times = [];
        private byte[] _typeIndexes = [];
        private TzType[] _types = [];
        private TzType? _footerStandard;
        private TzType? _footerDaylight;

        public string? NameAt(long unixSeconds, long expectedOffset)
        {
            var index = Array.BinarySearch(_times, unixSeconds);
            if (index < 0)
            {
                index = ~index - 1; // the last transition at or before the instant; -1 when before the first
            }

            TzType type;
            if (_footerStandard is not null && index == _times.Length - 1)
            {
                // From the last transition on, the footer rule applies: pick its observance with this offset.
                type = _footerDaylight is { } daylight && daylight.Offset == expectedOffset ? daylight : _footerStandard;
            }
            else
            {
                type = _types[index >= 0 ? _typeIndexes[index] : 0];
            }
            return type.Offset == expectedOffset && type.Name.Length > 0 ? type.Name : null;
        }

        public static TzifData? Parse(byte[] bytes)
        {
            if (bytes.Length < 44 || bytes[0] != 'T' || bytes[1] != 'Z' || bytes[2] != 'i' || bytes[3] != 'f')
            {
                return null;
            }
            var version = bytes[4];
            var position = 0;
            var data = ReadBlock(bytes, ref position, timeSize: 4);
            if (version == 0 || data is null)
            {
                return data;
            }

            // Version 2+: a second header and block with 64-bit times, then "\n<POSIX TZ>\n".
            if (position + 44 > bytes.Length || bytes[position] != 'T')
            {
                return data;
            }
            var v2 = ReadBlock(bytes, ref position, timeSize: 8);
            if (v2 is null)
            {
                return data;
            }
            if (position < bytes.Length && bytes[position] == '\n')
            {
                var end = Array.IndexOf(bytes, (byte)'\n', position + 1);
                if (end > position)
                {
                    v2.ParseFooter(Encoding.ASCII.GetString(bytes, position + 1, end - position - 1));
                }
            }
            return v2;
        }

        private static TzifData? ReadBlock(byte[] bytes, ref int position, int timeSize)
        {
            var header = bytes.AsSpan(position);
            if (header.Length < 44)
            {
                return null;
            }
            var isUtCount = Count(header, 20);
            var isStdCount = Count(header, 24);
            var leapCount = Count(header, 28);
            var timeCount = Count(header, 32);
            var typeCount = Count(header, 36);
            var charCount = Count(header, 40);
            var length = 44L + timeCount * (timeSize + 1L) + typeCount * 6L + charCount + leapCount * (timeSize + 4L) + isStdCount + isUtCount;
            if (typeCount == 0 || length > header.Length)
            {
                return null;
            }

            var p = position + 44;
            var times = new long[timeCount];
            for (var i = 0; i < timeCount; i++, p += timeSize)
            {
                times[i] = timeSize == 4
                    ? BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(p))
                    : BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(p));
            }
            var indexes = bytes.AsSpan(p, timeCount).ToArray();
            p += timeCount;
            var charsAt = p + typeCount * 6;
            var types = new TzType[typeCount];
            for (var i = 0; i < typeCount; i++, p += 6)
            {
                var offset = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(p));
                var nameStart = charsAt + bytes[p + 5];
                var nameEnd = Array.IndexOf(bytes, (byte)0, nameStart, Math.Max(0, charsAt + charCount - nameStart));
                var name = nameEnd > nameStart ? Encoding.ASCII.GetString(bytes, nameStart, nameEnd - nameStart) : "";
                types[i] = new TzType(offset, bytes[p + 4] != 0, name);
            }
            if (indexes.Any(i => i >= typeCount))
            {
                return null;
            }

            position += (int)length;
            return new TzifData { _times = times, _typeIndexes = indexes, _types = types };
        }

        private static int Count(ReadOnlySpan<byte> header, int at)
        {
            var value = BinaryPrimitives.ReadInt32BigEndian(header[at..]);
            return value is < 0 or > 1_000_000 ? throw new FormatException("Bad TZif header.") : value;
        }

        /// <summary>POSIX TZ string, e.g. "EST5EDT,M3.2.0,M11.1.0", "JST-9", "&lt;+0530&gt;-5:30". Offsets are west-positive.</summary>
        private void ParseFooter(string tz)
        {
            var i = 0;
            var standardName = ReadName(tz, ref i);
            var standardOffset = ReadOffset(tz, ref i);
            if (standardName is null || standardOffset is null)
            {
                return;
            }
            _footerStandard = new TzType(-standardOffset.Value, false, standardName);

            var daylightName = ReadName(tz, ref i);
            if (daylightName is null)
            {
                return;
            }
            var daylightOffset = i < tz.Length && tz[i] != ',' ? ReadOffset(tz, ref i) : standardOffset - 3600;
            if (daylightOffset is not null)
            {
                _footerDaylight = new TzType(-daylightOffset.Value, true, daylightName);
            }
        }

        private static string? ReadName(string tz, ref int i)
        {
            if (i >= tz.Length)
            {
                return null;
            }
            if (tz[i] == '<')
            {
                var close = tz.IndexOf('>', i);
                if (close < 0)
                {
                    return null;
                }
                var quoted = tz[(i + 1)..close];
                i = close + 1;
                return quoted;
            }
            var start = i;
            while (i < tz.Length && char.IsAsciiLetter(tz[i]))
            {
                i++;
            }
            return i - start >= 3 ? tz[start..i] : null;
        }

        private static long? ReadOffset(string tz, ref int i)
        {
            var sign = 1;
            if (i < tz.Length && tz[i] is '+' or '-')
            {
                sign = tz[i] == '-' ? -1 : 1;
                i++;
            }
            long total = 0;
            for (var part = 0; part < 3; part++)
            {
                var start = i;
                while (i < tz.Length && char.IsAsciiDigit(tz[i]))
                {
                    i++;
                }
                if (i == start)
                {
                    return part == 0 ? null : total * sign;
                }
                total += long.Parse(tz.AsSpan(start, i - start), CultureInfo.InvariantCulture) * (part switch { 0 => 3600, 1 => 60, _ => 1 });
                if (part < 2 && i < tz.Length && tz[i] == ':')
                {
                    i++;
                }
                else
                {
                    break;
                }
            }
            return total * sign;
        }
    }
}
