using System.Text;
using Assemble.Api.Common.Calendar;
using Xunit;

namespace Assemble.Api.IntegrationTests.Unit;

public sealed class ICalendarWriterTests
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly DateTimeOffset Modified = new(2026, 11, 20, 3, 4, 5, TimeSpan.Zero);

    private static CalendarEvent Event(
        string uid = "11111111-1111-1111-1111-111111111111@assemble",
        DateTimeOffset? startsAt = null,
        DateTimeOffset? endsAt = null,
        string timeZoneId = "Asia/Tokyo",
        string summary = "Assemble meetup",
        string? description = null,
        string? location = null,
        string? url = null,
        bool cancelled = false,
        int sequence = 0)
    {
        var start = startsAt ?? new DateTimeOffset(2026, 12, 8, 10, 0, 0, TimeSpan.Zero);
        return new CalendarEvent(uid, sequence, start, endsAt ?? start.AddHours(2), timeZoneId, summary,
            description, location, url, cancelled, Modified);
    }

    private static string Unfold(string text) => text.Replace("\r\n ", "", StringComparison.Ordinal);

    /// <summary>Logical (unfolded) content lines of a calendar.</summary>
    private static string[] Lines(string calendar) =>
        Unfold(calendar).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The content lines of every BEGIN:{name} ... END:{name} block, in order.</summary>
    private static List<string[]> Blocks(string calendar, string name)
    {
        var result = new List<string[]>();
        List<string>? current = null;
        foreach (var line in Lines(calendar))
        {
            if (line == "BEGIN:" + name)
            {
                current = [];
            }
            else if (line == "END:" + name && current is not null)
            {
                result.Add([.. current]);
                current = null;
            }
            else
            {
                current?.Add(line);
            }
        }
        return result;
    }

    /// <summary>Physical lines as raw UTF-8 byte segments between CRLFs.</summary>
    private static List<byte[]> PhysicalLines(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var result = new List<byte[]>();
        var start = 0;
        for (var i = 0; i + 1 < bytes.Length; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n')
            {
                result.Add(bytes[start..i]);
                start = i + 2;
                i++;
            }
        }
        if (start < bytes.Length)
        {
            result.Add(bytes[start..]);
        }
        return result;
    }

    private static void AssertFolded(string folded)
    {
        var lines = PhysicalLines(folded);
        for (var i = 0; i < lines.Count; i++)
        {
            Assert.True(lines[i].Length <= 75, $"physical line {i} has {lines[i].Length} octets");
            // Every physical line is valid UTF-8 on its own: no multi-byte character was split.
            _ = StrictUtf8.GetString(lines[i]);
        }
    }

    // ---- folding ------------------------------------------------------------------------------------------------

    [Fact]
    public void FoldLine_folds_japanese_text_at_75_octets_without_splitting_characters()
    {
        var line = "SUMMARY:" + string.Concat(Enumerable.Repeat("東京で開催するアセンブル勉強会🎉（第12回）、", 8));
        Assert.True(Encoding.UTF8.GetByteCount(line) > 300);

        var folded = FoldLineAndCheck(line);

        var physical = PhysicalLines(folded);
        Assert.True(physical.Count >= 5);
        Assert.All(physical.Skip(1), l => Assert.Equal((byte)' ', l[0]));
        // Folds are as late as possible: a line is only broken when the next character would not fit.
        Assert.All(physical.SkipLast(1), l => Assert.True(l.Length >= 72, $"line of {l.Length} octets folded too early"));
        Assert.Equal(line, Unfold(folded));
    }

    private static string FoldLineAndCheck(string line)
    {
        var folded = ICalendarWriter.FoldLine(line);
        AssertFolded(folded);
        Assert.DoesNotContain("\r\n\r\n", folded, StringComparison.Ordinal);
        Assert.False(folded.EndsWith("\r\n", StringComparison.Ordinal));
        return folded;
    }

    [Theory]
    [InlineData(74)]
    [InlineData(75)]
    [InlineData(76)]
    [InlineData(149)]
    [InlineData(150)]
    [InlineData(400)]
    public void FoldLine_keeps_ascii_lines_within_75_octets_and_round_trips(int length)
    {
        var line = "DESCRIPTION:" + new string('x', length - "DESCRIPTION:".Length);

        var folded = FoldLineAndCheck(line);

        Assert.Equal(line, Unfold(folded));
        Assert.Equal(length <= 75, folded == line);
        var physical = PhysicalLines(folded);
        Assert.Equal(Math.Min(75, length), physical[0].Length);
        // Continuation lines are one space plus up to 74 octets: 75 + 74 + 74 + ...
        Assert.All(physical.SkipLast(1), l => Assert.Equal(75, l.Length));
        Assert.Equal(length <= 75 ? 1 : 1 + (length - 75 + 73) / 74, physical.Count);
    }

    [Fact]
    public void FoldLine_rejects_raw_line_breaks()
    {
        Assert.Throws<ArgumentException>(() => ICalendarWriter.FoldLine("SUMMARY:a\nb"));
    }

    [Fact]
    public void Every_line_of_a_feed_is_folded_and_unfolds_to_the_original_text()
    {
        var summary = string.Concat(Enumerable.Repeat("年末の特別セッション：クラウドネイティブ入門と実践、", 5));
        var description = "1行目\n2行目; 三行目, 終わり\\";

        var ics = ICalendarWriter.Write([Event(summary: summary, description: description)]);

        AssertFolded(ics);
        Assert.Contains("SUMMARY:" + ICalendarWriter.EscapeText(summary), Lines(ics));
        Assert.Contains(@"DESCRIPTION:1行目\n2行目\; 三行目\, 終わり\\", Lines(ics));
    }

    // ---- escaping -----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData(@"a\b", @"a\\b")]
    [InlineData("a;b,c", @"a\;b\,c")]
    [InlineData("line1\nline2", @"line1\nline2")]
    [InlineData("line1\r\nline2\rline3", @"line1\nline2\nline3")]
    [InlineData("time: 19:00", "time: 19:00")]
    [InlineData("\"quoted\"", "\"quoted\"")]
    [InlineData("tab\there", "tab\there")]
    [InlineData("bell\u0007gone", "bellgone")]
    [InlineData("日本語、テキスト；全角", "日本語、テキスト；全角")]
    public void EscapeText_escapes_text_values(string value, string expected)
    {
        Assert.Equal(expected, ICalendarWriter.EscapeText(value));
    }

    [Fact]
    public void Text_properties_are_escaped_and_url_is_written_as_a_uri()
    {
        const string url = "https://meet.example.com/j/123?pwd=a,b;c";

        var ics = ICalendarWriter.Write(
            [Event(summary: "Q&A; part 1, 2", location: @"Room A\B", url: url)],
            calendarName: "Assemble, 勉強会");

        var lines = Lines(ics);
        Assert.Contains(@"SUMMARY:Q&A\; part 1\, 2", lines);
        Assert.Contains(@"LOCATION:Room A\\B", lines);
        Assert.Contains("URL:" + url, lines);
        Assert.Contains(@"X-WR-CALNAME:Assemble\, 勉強会", lines);
    }

    [Fact]
    public void Optional_properties_are_left_out_when_not_given()
    {
        var lines = Lines(ICalendarWriter.Write([Event()]));

        Assert.DoesNotContain(lines, l => l.StartsWith("URL", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("DESCRIPTION", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("LOCATION", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("X-WR-CALNAME", StringComparison.Ordinal));
    }

    [Fact]
    public void A_url_that_is_not_an_absolute_uri_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => ICalendarWriter.Write([Event(url: "not a url")]));
    }

    // ---- calendar and event properties --------------------------------------------------------------------------

    [Fact]
    public void Calendar_has_the_required_header_and_crlf_line_endings_everywhere()
    {
        var ics = ICalendarWriter.Write([Event(summary: string.Concat(Enumerable.Repeat("長いタイトル", 20)))], "Assemble");

        Assert.StartsWith(
            "BEGIN:VCALENDAR\r\nPRODID:-//Assemble//Assemble API//JA\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:Assemble\r\n",
            ics,
            StringComparison.Ordinal);
        Assert.EndsWith("END:VCALENDAR\r\n", ics, StringComparison.Ordinal);
        for (var i = 0; i < ics.Length; i++)
        {
            if (ics[i] == '\n')
            {
                Assert.True(i > 0 && ics[i - 1] == '\r', $"bare LF at {i}");
            }
            if (ics[i] == '\r')
            {
                Assert.True(i + 1 < ics.Length && ics[i + 1] == '\n', $"bare CR at {i}");
            }
        }
    }

    [Fact]
    public void Event_times_are_written_in_local_time_with_tzid_and_stamps_in_utc()
    {
        var ics = ICalendarWriter.Write([Event(
            uid: "42@assemble",
            startsAt: new DateTimeOffset(2026, 12, 8, 10, 0, 0, TimeSpan.Zero),
            endsAt: new DateTimeOffset(2026, 12, 8, 12, 30, 0, TimeSpan.Zero))]);

        var vevent = Assert.Single(Blocks(ics, "VEVENT"));
        Assert.Contains("UID:42@assemble", vevent);
        Assert.Contains("DTSTART;TZID=Asia/Tokyo:20261208T190000", vevent);
        Assert.Contains("DTEND;TZID=Asia/Tokyo:20261208T213000", vevent);
        Assert.Contains("DTSTAMP:20261120T030405Z", vevent);
        Assert.Contains("LAST-MODIFIED:20261120T030405Z", vevent);
    }

    [Fact]
    public void Start_given_with_a_non_utc_offset_is_converted_to_the_event_zone()
    {
        // 2026-07-01 09:00 in Tokyo is 2026-06-30 20:00 in New York (EDT, -04:00).
        var start = new DateTimeOffset(2026, 7, 1, 9, 0, 0, TimeSpan.FromHours(9));

        var ics = ICalendarWriter.Write([Event(startsAt: start, timeZoneId: "America/New_York")]);

        Assert.Contains("DTSTART;TZID=America/New_York:20260630T200000", Lines(ics));
        Assert.Contains("DTEND;TZID=America/New_York:20260630T220000", Lines(ics));
    }

    [Fact]
    public void A_local_time_that_occurs_twice_is_written_in_utc()
    {
        // 2026-11-01 01:30 happens twice in New York (EDT, then EST): 05:30Z and 06:30Z.
        var first = new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero);
        var second = first.AddHours(1);

        var ics = ICalendarWriter.Write([
            Event(uid: "a@assemble", startsAt: first, endsAt: first.AddHours(2), timeZoneId: "America/New_York"),
            Event(uid: "b@assemble", startsAt: second, endsAt: second.AddHours(1), timeZoneId: "America/New_York"),
        ]);

        var events = Blocks(ics, "VEVENT");
        Assert.Contains("DTSTART:20261101T053000Z", events[0]);
        Assert.Contains("DTEND;TZID=America/New_York:20261101T023000", events[0]);
        Assert.Contains("DTSTART:20261101T063000Z", events[1]);
        Assert.Contains("DTEND;TZID=America/New_York:20261101T023000", events[1]);
    }

    [Fact]
    public void Windows_and_iana_ids_of_one_zone_share_one_vtimezone_with_the_iana_tzid()
    {
        var ics = ICalendarWriter.Write([
            Event(uid: "a@assemble", timeZoneId: "Tokyo Standard Time"),
            Event(uid: "b@assemble", timeZoneId: "Asia/Tokyo"),
        ]);

        var zone = Assert.Single(Blocks(ics, "VTIMEZONE"));
        Assert.Equal("TZID:Asia/Tokyo", zone[0]);
        Assert.Equal(2, Lines(ics).Count(l => l == "DTSTART;TZID=Asia/Tokyo:20261208T190000"));
    }

    [Fact]
    public void Folding_random_text_always_keeps_the_invariants()
    {
        // ASCII, 2-, 3- and 4-octet UTF-8 characters in random mixes and lengths (fixed seed: reproducible).
        string[] alphabet = ["a", "Z", " ", ";", "é", "ß", "あ", "漢", "ー", "🎉", "𠮷"];
        var random = new Random(20261208);
        for (var n = 0; n < 500; n++)
        {
            var sb = new StringBuilder("X-TEST:");
            var length = random.Next(0, 200);
            for (var i = 0; i < length; i++)
            {
                sb.Append(alphabet[random.Next(alphabet.Length)]);
            }
            var line = sb.ToString();

            var folded = FoldLineAndCheck(line);

            Assert.Equal(line, Unfold(folded));
            Assert.All(PhysicalLines(folded).Skip(1), l => Assert.Equal((byte)' ', l[0]));
        }
    }

    [Fact]
    public void Status_and_sequence_are_written()
    {
        var ics = ICalendarWriter.Write([
            Event(uid: "a@assemble", cancelled: true, sequence: 3),
            Event(uid: "b@assemble", cancelled: false, sequence: 0),
        ]);

        var events = Blocks(ics, "VEVENT");
        Assert.Equal(2, events.Count);
        Assert.Contains("STATUS:CANCELLED", events[0]);
        Assert.Contains("SEQUENCE:3", events[0]);
        Assert.Contains("STATUS:CONFIRMED", events[1]);
        Assert.Contains("SEQUENCE:0", events[1]);
    }

    [Fact]
    public void Output_is_deterministic()
    {
        CalendarEvent[] events = [Event(), Event(uid: "x@assemble", timeZoneId: "America/New_York")];

        Assert.Equal(ICalendarWriter.Write(events, "Feed"), ICalendarWriter.Write(events, "Feed"));
    }

    [Fact]
    public void Unknown_time_zone_is_an_argument_exception()
    {
        Assert.Throws<ArgumentException>(() => ICalendarWriter.Write([Event(timeZoneId: "Mars/Olympus_Mons")]));
    }

    [Fact]
    public void An_event_ending_before_it_starts_is_rejected()
    {
        var start = new DateTimeOffset(2026, 12, 8, 10, 0, 0, TimeSpan.Zero);

        Assert.Throws<ArgumentException>(() => ICalendarWriter.Write([Event(startsAt: start, endsAt: start.AddMinutes(-1))]));
    }

    [Fact]
    public void An_empty_feed_is_a_valid_calendar_without_components()
    {
        var ics = ICalendarWriter.Write([]);

        Assert.Equal(
            "BEGIN:VCALENDAR\r\nPRODID:-//Assemble//Assemble API//JA\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n",
            ics);
    }

    // ---- VTIMEZONE ----------------------------------------------------------------------------------------------

    /// <summary>TZNAME comes from the system TZif files; where there are none (Windows) it is left out.</summary>
    private static bool HasTzif(string id) => File.Exists(Path.Combine("/usr/share/zoneinfo", id));

    [Fact]
    public void Tokyo_has_one_standard_observance_since_1970()
    {
        var ics = ICalendarWriter.Write([Event()]);

        var zone = Assert.Single(Blocks(ics, "VTIMEZONE"));
        Assert.Equal("TZID:Asia/Tokyo", zone[0]);
        var standard = Assert.Single(Blocks(ics, "STANDARD"));
        Assert.Empty(Blocks(ics, "DAYLIGHT"));
        Assert.Equal(["DTSTART:19700101T000000", "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900"], standard[..3]);
        if (HasTzif("Asia/Tokyo"))
        {
            Assert.Equal(["DTSTART:19700101T000000", "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900", "TZNAME:JST"], standard);
        }
    }

    [Fact]
    public void New_York_has_the_actual_2026_transitions()
    {
        var ics = ICalendarWriter.Write([Event(
            startsAt: new DateTimeOffset(2026, 7, 1, 23, 0, 0, TimeSpan.Zero),
            timeZoneId: "America/New_York")]);

        Assert.Contains("DTSTART;TZID=America/New_York:20260701T190000", Lines(ics));
        var zone = Assert.Single(Blocks(ics, "VTIMEZONE"));
        Assert.Equal("TZID:America/New_York", zone[0]);

        var daylight = Assert.Single(Blocks(ics, "DAYLIGHT"));
        Assert.Equal(["DTSTART:20260308T020000", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400"], daylight[..3]);

        var standard = Blocks(ics, "STANDARD");
        Assert.Contains(standard, s => s[..3].SequenceEqual(["DTSTART:20261101T020000", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500"]));
        // The previous autumn's change is included too, so January 2026 local times are covered.
        Assert.Equal("DTSTART:20251102T020000", standard[0][0]);
        Assert.Equal(2, standard.Count);

        if (HasTzif("America/New_York"))
        {
            Assert.Equal("TZNAME:EDT", daylight[3]);
            Assert.All(standard, s => Assert.Equal("TZNAME:EST", s[3]));
        }
    }

    [Fact]
    public void Transitions_cover_every_year_of_the_feed()
    {
        var ics = ICalendarWriter.Write([
            Event(uid: "a@assemble", startsAt: new DateTimeOffset(2026, 1, 15, 15, 0, 0, TimeSpan.Zero), timeZoneId: "America/New_York"),
            Event(uid: "b@assemble", startsAt: new DateTimeOffset(2027, 6, 15, 15, 0, 0, TimeSpan.Zero), timeZoneId: "America/New_York"),
        ]);

        var starts = Blocks(ics, "VTIMEZONE").Single()
            .Where(l => l.StartsWith("DTSTART:", StringComparison.Ordinal))
            .ToArray();
        Assert.Equal(
            ["DTSTART:20251102T020000", "DTSTART:20260308T020000", "DTSTART:20261101T020000", "DTSTART:20270314T020000", "DTSTART:20271107T020000"],
            starts);
        Assert.Contains("DTSTART;TZID=America/New_York:20260115T100000", Lines(ics));
        Assert.Contains("DTSTART;TZID=America/New_York:20270615T110000", Lines(ics));
    }

    [Fact]
    public void Southern_hemisphere_summer_is_covered_by_the_previous_daylight_observance()
    {
        // 2027-01-15 10:00 in Sydney (AEDT, +11:00).
        var ics = ICalendarWriter.Write([Event(
            startsAt: new DateTimeOffset(2027, 1, 14, 23, 0, 0, TimeSpan.Zero),
            timeZoneId: "Australia/Sydney")]);

        Assert.Contains("DTSTART;TZID=Australia/Sydney:20270115T100000", Lines(ics));
        var daylight = Blocks(ics, "DAYLIGHT");
        Assert.Contains(daylight, d => d[..3].SequenceEqual(["DTSTART:20261004T020000", "TZOFFSETFROM:+1000", "TZOFFSETTO:+1100"]));
        var standard = Blocks(ics, "STANDARD");
        Assert.Contains(standard, s => s[..3].SequenceEqual(["DTSTART:20270404T030000", "TZOFFSETFROM:+1100", "TZOFFSETTO:+1000"]));
    }

    [Fact]
    public void Offsets_that_are_not_whole_hours_are_written_with_minutes()
    {
        var ics = ICalendarWriter.Write([Event(timeZoneId: "Asia/Kolkata")]);

        var standard = Assert.Single(Blocks(ics, "STANDARD"));
        Assert.Equal(["DTSTART:19700101T000000", "TZOFFSETFROM:+0530", "TZOFFSETTO:+0530"], standard[..3]);
        Assert.Contains("DTSTART;TZID=Asia/Kolkata:20261208T153000", Lines(ics));
    }

    [Fact]
    public void Events_sharing_a_time_zone_share_one_vtimezone()
    {
        var ics = ICalendarWriter.Write([
            Event(uid: "a@assemble"),
            Event(uid: "b@assemble", startsAt: new DateTimeOffset(2027, 3, 1, 1, 0, 0, TimeSpan.Zero)),
            Event(uid: "c@assemble", timeZoneId: "America/New_York"),
        ]);

        var zones = Blocks(ics, "VTIMEZONE");
        Assert.Equal(["TZID:Asia/Tokyo", "TZID:America/New_York"], zones.Select(z => z[0]));
        Assert.Equal(3, Blocks(ics, "VEVENT").Count);
        // Components are ordered: all VTIMEZONEs before the first VEVENT.
        var lines = Lines(ics);
        Assert.True(Array.LastIndexOf(lines, "END:VTIMEZONE") < Array.IndexOf(lines, "BEGIN:VEVENT"));
    }
}
