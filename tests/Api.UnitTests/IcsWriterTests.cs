using System.Text;
using Assemble.Api.Common.Calendar;
using Xunit;
using IcalCalendar = Ical.Net.Calendar;

namespace Assemble.Api.UnitTests;

public sealed class IcsWriterTests
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly DateTimeOffset Modified = new(2026, 11, 20, 3, 4, 5, TimeSpan.Zero);

    private static CalendarEntry Entry(
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
        return new CalendarEntry(uid, sequence, start, endsAt ?? start.AddHours(2), timeZoneId, summary,
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

    /// <summary>Every physical line is at most 75 octets and valid UTF-8 on its own (no character split by a fold).</summary>
    private static void AssertFolded(string ics)
    {
        var lines = PhysicalLines(ics);
        for (var i = 0; i < lines.Count; i++)
        {
            Assert.True(lines[i].Length <= 75, $"physical line {i} has {lines[i].Length} octets");
            _ = StrictUtf8.GetString(lines[i]);
        }
        Assert.DoesNotContain("\r\n\r\n", ics, StringComparison.Ordinal);
    }

    private static IcalCalendar Parse(string ics) => IcalCalendar.Load(ics) ?? throw new InvalidOperationException("Ical.Net read no calendar.");

    // ---- folding ------------------------------------------------------------------------------------------------

    [Fact]
    public void Japanese_text_is_folded_at_75_octets_without_splitting_characters()
    {
        var summary = string.Concat(Enumerable.Repeat("東京で開催するアセンブル勉強会🎉（第12回）、", 8));
        Assert.True(Encoding.UTF8.GetByteCount(summary) > 300);

        var ics = IcsWriter.Write([Entry(summary: summary)]);

        AssertFolded(ics);
        var physical = PhysicalLines(ics);
        var first = physical.FindIndex(l => StrictUtf8.GetString(l).StartsWith("SUMMARY:", StringComparison.Ordinal));
        var folded = physical.Skip(first).TakeWhile((l, i) => i == 0 || l[0] == (byte)' ').ToList();
        Assert.True(folded.Count >= 5);
        // Folds come late: a line is broken only about when the next character would not fit (Ical.Net may
        // break one character early before a 4-octet one).
        Assert.All(folded.SkipLast(1), l => Assert.True(l.Length >= 71, $"line of {l.Length} octets folded too early"));
        Assert.Contains("SUMMARY:" + summary, Lines(ics));
        Assert.Equal(summary, Parse(ics).Events.Single().Summary);
    }

    [Theory]
    [InlineData(74)]
    [InlineData(75)]
    [InlineData(76)]
    [InlineData(149)]
    [InlineData(150)]
    [InlineData(400)]
    public void Ascii_lines_stay_within_75_octets_and_unfold_to_the_original(int length)
    {
        var line = "DESCRIPTION:" + new string('x', length - "DESCRIPTION:".Length);

        var ics = IcsWriter.Write([Entry(description: line["DESCRIPTION:".Length..])]);

        AssertFolded(ics);
        Assert.Contains(line, Lines(ics));
        var physical = PhysicalLines(ics);
        var at = physical.FindIndex(l => l.AsSpan().StartsWith("DESCRIPTION:"u8));
        var parts = physical.Skip(at).TakeWhile((l, i) => i == 0 || l[0] == (byte)' ').ToList();
        Assert.Equal(Math.Min(75, length), parts[0].Length);
        // Continuation lines are one space plus up to 74 octets: 75 + 75 + ... + the rest.
        Assert.All(parts.SkipLast(1), l => Assert.Equal(75, l.Length));
        Assert.Equal(length <= 75 ? 1 : 1 + (length - 75 + 73) / 74, parts.Count);
    }

    [Fact]
    public void Folding_random_text_always_keeps_the_invariants()
    {
        // ASCII, 2-, 3- and 4-octet UTF-8 characters in random mixes and lengths (fixed seed: reproducible).
        string[] alphabet = ["a", "Z", " ", ";", ",", "\\", "é", "ß", "あ", "漢", "ー", "🎉", "𠮷"];
        var random = new Random(20261208);
        var entries = new List<CalendarEntry>();
        for (var n = 0; n < 200; n++)
        {
            var sb = new StringBuilder();
            var length = random.Next(1, 200);
            for (var i = 0; i < length; i++)
            {
                sb.Append(alphabet[random.Next(alphabet.Length)]);
            }
            entries.Add(Entry(uid: $"{n}@assemble", summary: sb.ToString()));
        }

        var ics = IcsWriter.Write(entries);

        AssertFolded(ics);
        Assert.All(PhysicalLines(ics).Where(l => l.Length > 0 && l[0] == (byte)' '), l => Assert.True(l.Length > 1));
        var parsed = Parse(ics).Events.ToDictionary(e => e.Uid!, e => e.Summary);
        Assert.All(entries, e => Assert.Equal(e.Summary, parsed[e.Uid]));
    }

    [Fact]
    public void Every_line_of_a_feed_is_folded_and_unfolds_to_the_original_text()
    {
        var summary = string.Concat(Enumerable.Repeat("年末の特別セッション：クラウドネイティブ入門と実践、", 5));
        var description = "1行目\n2行目; 三行目, 終わり\\";

        var ics = IcsWriter.Write([Entry(summary: summary, description: description)]);

        AssertFolded(ics);
        Assert.Contains("SUMMARY:" + summary.Replace(",", "\\,"), Lines(ics));
        Assert.Contains(@"DESCRIPTION:1行目\n2行目\; 三行目\, 終わり\\", Lines(ics));
        var parsed = Parse(ics).Events.Single();
        Assert.Equal(summary, parsed.Summary);
        Assert.Equal(description, parsed.Description);
    }

    // ---- escaping -----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("plain", "plain", "plain")]
    [InlineData(@"a\b", @"a\\b", @"a\b")]
    [InlineData("a;b,c", @"a\;b\,c", "a;b,c")]
    [InlineData("line1\nline2", @"line1\nline2", "line1\nline2")]
    [InlineData("line1\r\nline2\rline3", @"line1\nline2\nline3", "line1\nline2\nline3")]
    [InlineData("time: 19:00", "time: 19:00", "time: 19:00")]
    [InlineData("\"quoted\"", "\"quoted\"", "\"quoted\"")]
    [InlineData("tab\there", "tab\there", "tab\there")]
    [InlineData("bell\u0007gone", "bellgone", "bellgone")]
    [InlineData("日本語、テキスト；全角", "日本語、テキスト；全角", "日本語、テキスト；全角")]
    public void Text_values_are_escaped_and_read_back(string value, string written, string read)
    {
        var ics = IcsWriter.Write([Entry(description: value)]);

        Assert.Contains("DESCRIPTION:" + written, Lines(ics));
        Assert.Equal(read, Parse(ics).Events.Single().Description);
    }

    [Fact]
    public void Text_properties_are_escaped_and_url_is_written_as_a_uri()
    {
        const string url = "https://meet.example.com/j/123?pwd=a,b;c";

        var ics = IcsWriter.Write(
            [Entry(summary: "Q&A; part 1, 2", location: @"Room A\B", url: url)],
            calendarName: "Assemble, 勉強会");

        var lines = Lines(ics);
        Assert.Contains(@"SUMMARY:Q&A\; part 1\, 2", lines);
        Assert.Contains(@"LOCATION:Room A\\B", lines);
        Assert.Contains("URL:" + url, lines);
        Assert.Contains(@"X-WR-CALNAME:Assemble\, 勉強会", lines);
        var parsed = Parse(ics);
        Assert.Equal(url, parsed.Events.Single().Url!.OriginalString);
        Assert.Equal(@"Room A\B", parsed.Events.Single().Location);
    }

    [Fact]
    public void Optional_properties_are_left_out_when_not_given()
    {
        var lines = Lines(IcsWriter.Write([Entry()]));

        Assert.DoesNotContain(lines, l => l.StartsWith("URL", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("DESCRIPTION", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("LOCATION", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("X-WR-CALNAME", StringComparison.Ordinal));
    }

    [Fact]
    public void A_url_that_is_not_an_absolute_web_address_is_left_out_and_the_calendar_still_written()
    {
        foreach (var url in new[] { "not a url", "/api/relative", "https://zoom.example/j/1 2" })
        {
            var ics = IcsWriter.Write([Entry(url: url)]);
            Assert.Contains("BEGIN:VEVENT", ics);
            Assert.DoesNotContain("\r\nURL", ics);
        }
    }

    // ---- calendar and event properties --------------------------------------------------------------------------

    [Fact]
    public void Calendar_has_the_required_header_and_crlf_line_endings_everywhere()
    {
        var ics = IcsWriter.Write([Entry(summary: string.Concat(Enumerable.Repeat("長いタイトル", 20)))], "Assemble");

        Assert.StartsWith("BEGIN:VCALENDAR\r\n", ics, StringComparison.Ordinal);
        var header = Lines(ics).TakeWhile(l => !l.StartsWith("BEGIN:V", StringComparison.Ordinal) || l == "BEGIN:VCALENDAR").ToArray();
        Assert.Equal(
            ["BEGIN:VCALENDAR", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "PRODID:-//Assemble//Assemble API//JA", "VERSION:2.0", "X-WR-CALNAME:Assemble"],
            header.Order(StringComparer.Ordinal));
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
        var parsed = Parse(ics);
        Assert.Equal("PUBLISH", parsed.Method);
        Assert.Equal(IcsWriter.ProductId, parsed.ProductId);
    }

    [Fact]
    public void Event_times_are_written_in_local_time_with_tzid_and_stamps_in_utc()
    {
        var start = new DateTimeOffset(2026, 12, 8, 10, 0, 0, TimeSpan.Zero);
        var end = new DateTimeOffset(2026, 12, 8, 12, 30, 0, TimeSpan.Zero);

        var ics = IcsWriter.Write([Entry(uid: "42@assemble", startsAt: start, endsAt: end)]);

        var vevent = Assert.Single(Blocks(ics, "VEVENT"));
        Assert.Contains("UID:42@assemble", vevent);
        Assert.Contains("DTSTART;TZID=Asia/Tokyo:20261208T190000", vevent);
        Assert.Contains("DTEND;TZID=Asia/Tokyo:20261208T213000", vevent);
        Assert.Contains("DTSTAMP:20261120T030405Z", vevent);
        Assert.Contains("LAST-MODIFIED:20261120T030405Z", vevent);
        var parsed = Parse(ics).Events.Single();
        Assert.Equal("Asia/Tokyo", parsed.DtStart!.TzId);
        Assert.Equal(start.UtcDateTime, parsed.DtStart.AsUtc);
        Assert.Equal(end.UtcDateTime, parsed.DtEnd!.AsUtc);
    }

    [Fact]
    public void A_zero_length_event_has_no_dtend()
    {
        var start = new DateTimeOffset(2026, 12, 8, 10, 0, 0, TimeSpan.Zero);

        var vevent = Assert.Single(Blocks(IcsWriter.Write([Entry(startsAt: start, endsAt: start)]), "VEVENT"));

        Assert.DoesNotContain(vevent, l => l.StartsWith("DTEND", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_given_with_a_non_utc_offset_is_converted_to_the_event_zone()
    {
        // 2026-07-01 09:00 in Tokyo is 2026-06-30 20:00 in New York (EDT, -04:00).
        var start = new DateTimeOffset(2026, 7, 1, 9, 0, 0, TimeSpan.FromHours(9));

        var ics = IcsWriter.Write([Entry(startsAt: start, timeZoneId: "America/New_York")]);

        Assert.Contains("DTSTART;TZID=America/New_York:20260630T200000", Lines(ics));
        Assert.Contains("DTEND;TZID=America/New_York:20260630T220000", Lines(ics));
        Assert.Equal(start.UtcDateTime, Parse(ics).Events.Single().DtStart!.AsUtc);
    }

    [Fact]
    public void A_local_time_that_occurs_twice_is_written_in_utc()
    {
        // 2026-11-01 01:30 happens twice in New York (EDT, then EST): 05:30Z and 06:30Z.
        var first = new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero);
        var second = first.AddHours(1);

        var ics = IcsWriter.Write([
            Entry(uid: "a@assemble", startsAt: first, endsAt: first.AddHours(2), timeZoneId: "America/New_York"),
            Entry(uid: "b@assemble", startsAt: second, endsAt: second.AddHours(1), timeZoneId: "America/New_York"),
        ]);

        var events = Blocks(ics, "VEVENT");
        Assert.Contains("DTSTART:20261101T053000Z", events[0]);
        Assert.Contains("DTEND;TZID=America/New_York:20261101T023000", events[0]);
        Assert.Contains("DTSTART:20261101T063000Z", events[1]);
        Assert.Contains("DTEND;TZID=America/New_York:20261101T023000", events[1]);
        var parsed = Parse(ics).Events.ToDictionary(e => e.Uid!);
        Assert.Equal(first.UtcDateTime, parsed["a@assemble"].DtStart!.AsUtc);
        Assert.Equal(second.UtcDateTime, parsed["b@assemble"].DtStart!.AsUtc);
    }

    [Fact]
    public void Windows_and_iana_ids_of_one_zone_share_one_vtimezone_with_the_iana_tzid()
    {
        var ics = IcsWriter.Write([
            Entry(uid: "a@assemble", timeZoneId: "Tokyo Standard Time"),
            Entry(uid: "b@assemble", timeZoneId: "Asia/Tokyo"),
        ]);

        var zone = Assert.Single(Blocks(ics, "VTIMEZONE"));
        Assert.Contains("TZID:Asia/Tokyo", zone);
        Assert.Equal(2, Lines(ics).Count(l => l == "DTSTART;TZID=Asia/Tokyo:20261208T190000"));
    }

    [Fact]
    public void Status_and_sequence_are_written()
    {
        var ics = IcsWriter.Write([
            Entry(uid: "a@assemble", cancelled: true, sequence: 3),
            Entry(uid: "b@assemble", cancelled: false, sequence: 0),
        ]);

        var events = Blocks(ics, "VEVENT");
        Assert.Equal(2, events.Count);
        Assert.Contains("STATUS:CANCELLED", events[0]);
        Assert.Contains("SEQUENCE:3", events[0]);
        Assert.Contains("STATUS:CONFIRMED", events[1]);
        Assert.Contains("SEQUENCE:0", events[1]);
        var parsed = Parse(ics).Events.ToDictionary(e => e.Uid!);
        Assert.Equal(("CANCELLED", 3), (parsed["a@assemble"].Status, parsed["a@assemble"].Sequence));
    }

    [Fact]
    public void Events_are_written_in_input_order()
    {
        var ics = IcsWriter.Write([Entry(uid: "c@assemble"), Entry(uid: "a@assemble"), Entry(uid: "b@assemble")]);

        Assert.Equal(["UID:c@assemble", "UID:a@assemble", "UID:b@assemble"], Lines(ics).Where(l => l.StartsWith("UID:", StringComparison.Ordinal)));
    }

    [Fact]
    public void Output_is_deterministic()
    {
        CalendarEntry[] entries = [Entry(), Entry(uid: "x@assemble", timeZoneId: "America/New_York")];

        Assert.Equal(IcsWriter.Write(entries, "Feed"), IcsWriter.Write(entries, "Feed"));
    }

    [Fact]
    public void Unknown_time_zone_is_an_argument_exception()
    {
        Assert.Throws<ArgumentException>(() => IcsWriter.Write([Entry(timeZoneId: "Mars/Olympus_Mons")]));
    }

    [Fact]
    public void An_event_ending_before_it_starts_is_rejected()
    {
        var start = new DateTimeOffset(2026, 12, 8, 10, 0, 0, TimeSpan.Zero);

        Assert.Throws<ArgumentException>(() => IcsWriter.Write([Entry(startsAt: start, endsAt: start.AddMinutes(-1))]));
    }

    [Fact]
    public void An_empty_feed_is_a_valid_calendar_without_components()
    {
        var ics = IcsWriter.Write([]);

        Assert.Equal(
            "BEGIN:VCALENDAR\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nPRODID:-//Assemble//Assemble API//JA\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
            ics);
        Assert.Empty(Parse(ics).Events);
    }

    // ---- VTIMEZONE ----------------------------------------------------------------------------------------------

    [Fact]
    public void Tokyo_has_one_fixed_standard_observance()
    {
        var ics = IcsWriter.Write([Entry()]);

        var zone = Assert.Single(Blocks(ics, "VTIMEZONE"));
        Assert.Contains("TZID:Asia/Tokyo", zone);
        var standard = Assert.Single(Blocks(ics, "STANDARD"));
        Assert.Empty(Blocks(ics, "DAYLIGHT"));
        Assert.Equal(["DTSTART:19700101T000000", "TZNAME:JST", "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900"], standard.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void New_York_has_its_daylight_saving_rules()
    {
        var ics = IcsWriter.Write([Entry(
            startsAt: new DateTimeOffset(2026, 7, 1, 23, 0, 0, TimeSpan.Zero),
            timeZoneId: "America/New_York")]);

        Assert.Contains("DTSTART;TZID=America/New_York:20260701T190000", Lines(ics));
        var zone = Assert.Single(Blocks(ics, "VTIMEZONE"));
        Assert.Contains("TZID:America/New_York", zone);

        var daylight = Assert.Single(Blocks(ics, "DAYLIGHT"));
        Assert.Contains("TZOFFSETFROM:-0500", daylight);
        Assert.Contains("TZOFFSETTO:-0400", daylight);
        Assert.Contains("TZNAME:EDT", daylight);
        Assert.Contains("RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3", daylight);
        var standard = Assert.Single(Blocks(ics, "STANDARD"));
        Assert.Contains("TZOFFSETFROM:-0400", standard);
        Assert.Contains("TZOFFSETTO:-0500", standard);
        Assert.Contains("TZNAME:EST", standard);
        Assert.Contains("RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11", standard);
        // The observances begin before the event, so its local time is covered.
        Assert.All([daylight, standard], o => Assert.True(
            string.CompareOrdinal(o.Single(l => l.StartsWith("DTSTART:", StringComparison.Ordinal)), "DTSTART:20260701T190000") < 0));
    }

    [Fact]
    public void Transitions_cover_every_year_of_the_feed()
    {
        var january = new DateTimeOffset(2026, 1, 15, 15, 0, 0, TimeSpan.Zero);
        var june = new DateTimeOffset(2027, 6, 15, 15, 0, 0, TimeSpan.Zero);

        var ics = IcsWriter.Write([
            Entry(uid: "a@assemble", startsAt: january, timeZoneId: "America/New_York"),
            Entry(uid: "b@assemble", startsAt: june, timeZoneId: "America/New_York"),
        ]);

        var starts = Blocks(ics, "VTIMEZONE").Single().Where(l => l.StartsWith("DTSTART:", StringComparison.Ordinal)).ToArray();
        Assert.All(starts, s => Assert.True(string.CompareOrdinal(s, "DTSTART:20260115T100000") < 0, s));
        Assert.Contains("DTSTART;TZID=America/New_York:20260115T100000", Lines(ics));
        Assert.Contains("DTSTART;TZID=America/New_York:20270615T110000", Lines(ics));
        var parsed = Parse(ics).Events.ToDictionary(e => e.Uid!);
        Assert.Equal(january.UtcDateTime, parsed["a@assemble"].DtStart!.AsUtc);
        Assert.Equal(june.UtcDateTime, parsed["b@assemble"].DtStart!.AsUtc);
    }

    [Fact]
    public void Southern_hemisphere_summer_is_covered_by_the_daylight_observance()
    {
        // 2027-01-15 10:00 in Sydney (AEDT, +11:00).
        var start = new DateTimeOffset(2027, 1, 14, 23, 0, 0, TimeSpan.Zero);

        var ics = IcsWriter.Write([Entry(startsAt: start, timeZoneId: "Australia/Sydney")]);

        Assert.Contains("DTSTART;TZID=Australia/Sydney:20270115T100000", Lines(ics));
        var daylight = Assert.Single(Blocks(ics, "DAYLIGHT"));
        Assert.Contains("TZOFFSETFROM:+1000", daylight);
        Assert.Contains("TZOFFSETTO:+1100", daylight);
        Assert.Contains("RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10", daylight);
        var standard = Assert.Single(Blocks(ics, "STANDARD"));
        Assert.Contains("TZOFFSETFROM:+1100", standard);
        Assert.Contains("TZOFFSETTO:+1000", standard);
        Assert.Contains("RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4", standard);
        Assert.Equal(start.UtcDateTime, Parse(ics).Events.Single().DtStart!.AsUtc);
    }

    [Fact]
    public void Offsets_that_are_not_whole_hours_are_written_with_minutes()
    {
        var ics = IcsWriter.Write([Entry(timeZoneId: "Asia/Kolkata")]);

        var standard = Assert.Single(Blocks(ics, "STANDARD"));
        Assert.Contains("TZOFFSETFROM:+0530", standard);
        Assert.Contains("TZOFFSETTO:+0530", standard);
        Assert.Contains("DTSTART;TZID=Asia/Kolkata:20261208T153000", Lines(ics));
    }

    [Fact]
    public void Events_sharing_a_time_zone_share_one_vtimezone()
    {
        var ics = IcsWriter.Write([
            Entry(uid: "a@assemble"),
            Entry(uid: "b@assemble", startsAt: new DateTimeOffset(2027, 3, 1, 1, 0, 0, TimeSpan.Zero)),
            Entry(uid: "c@assemble", timeZoneId: "America/New_York"),
        ]);

        var zones = Blocks(ics, "VTIMEZONE");
        Assert.Equal(["TZID:Asia/Tokyo", "TZID:America/New_York"], zones.Select(z => z.Single(l => l.StartsWith("TZID:", StringComparison.Ordinal))));
        Assert.Equal(3, Blocks(ics, "VEVENT").Count);
        // Components are ordered: all VTIMEZONEs before the first VEVENT.
        var lines = Lines(ics);
        Assert.True(Array.LastIndexOf(lines, "END:VTIMEZONE") < Array.IndexOf(lines, "BEGIN:VEVENT"));
    }
}
