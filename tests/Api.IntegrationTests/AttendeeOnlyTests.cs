using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Api.Features.Registrations;
using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class AttendeeOnlyTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    [Fact]
    public async Task Each_organizer_sees_attendee_fields_at_the_level_they_are_entitled_to()
    {
        var organizer = await api.OrganizerAsync();
        var plainCoOrganizer = await api.MemberAsync();
        var verifiedCoOrganizer = await api.VerifiedAsync("clinicalPsychologist");
        var body = EventsFactory.StudySession();
        body["coOrganizerIds"] = new[] { plainCoOrganizer.Id, verifiedCoOrganizer.Id };
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var attendee = await api.MemberAsync();
        await Expect.StatusAsync(await attendee.Client.PutAsJsonAsync("/api/me/profile", new
        {
            displayName = "参加 花子",
            nameKana = "サンカ ハナコ",
            organisation = "守秘クリニック",
            professions = new[] { "coach" },
            visibility = new { nameKana = "members", organisation = "verifiedProfessionals", professions = "onlyMe" },
        }), 200);
        await Expect.StatusAsync(await attendee.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);

        // Raw rows: a field the reader may not see is absent from the answer, not null.
        async Task<JsonElement> RowFor(TestMember reader)
            => (await Expect.JsonAsync(await reader.Client.GetAsync($"/api/events/{e.Id}/attendees"))).GetProperty("items")[0];

        var plain = await RowFor(plainCoOrganizer);
        Assert.Equal("サンカ ハナコ", plain.GetProperty("nameKana").GetString());
        Assert.False(plain.TryGetProperty("organisation", out _));
        var verified = await RowFor(verifiedCoOrganizer);
        Assert.Equal("守秘クリニック", verified.GetProperty("organisation").GetString());
        // Admins too see at most what a verified professional sees: never "only me".
        var admin = await RowFor(await api.AdminAsync());
        Assert.Equal("守秘クリニック", admin.GetProperty("organisation").GetString());
        Assert.False(admin.TryGetProperty("professions", out _));
        var csv = await (await plainCoOrganizer.Client.GetAsync($"/api/events/{e.Id}/attendees.csv")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("守秘クリニック", csv);
    }

    private const string JoinUrl = "https://zoom.example/j/8123456789?pwd=secret";

    [Fact]
    public async Task The_join_url_and_materials_reach_confirmed_attendees_only_in_every_representation()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 2, priceYen: 0));
        var paid = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 5, priceYen: 2000));

        var attendee = await api.MemberAsync();
        await Expect.StatusAsync(await attendee.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);
        var other = await api.MemberAsync();
        await Expect.StatusAsync(await other.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);
        var waitlisted = await api.MemberAsync();
        await Expect.StatusAsync(await waitlisted.Client.PostAsJsonAsync($"/api/events/{e.Id}/waitlist", new { ticketTypeId = e.TicketTypeId }), 201);
        var cancelled = other;
        var otherRegistration = (await other.Client.GetAsync<Page<RegistrationView>>("/api/me/registrations")).Items[0].Id;
        await Expect.StatusAsync(await other.Client.PostAsync($"/api/registrations/{otherRegistration}/cancel", null), 200);
        var holder = await api.MemberAsync();
        await Expect.StatusAsync(await holder.Client.PostAsJsonAsync($"/api/events/{paid.Id}/registrations", new { ticketTypeId = paid.TicketTypeId }), 202);
        var stranger = await api.MemberAsync();

        // Attendee-only endpoint.
        var info = await attendee.Client.GetAsync<AttendeeInfoView>($"/api/events/{e.Id}/attendee-info");
        Assert.Equal(JoinUrl, info.OnlineJoinUrl);
        await Expect.StatusAsync(await organizer.Client.GetAsync($"/api/events/{e.Id}/attendee-info"), 200);
        await Expect.ProblemAsync(await api.CreateClient().GetAsync($"/api/events/{e.Id}/attendee-info"), 401, "auth.unauthenticated");
        foreach (var nobody in new[] { stranger, waitlisted, cancelled })
            await Expect.ProblemAsync(await nobody.Client.GetAsync($"/api/events/{e.Id}/attendee-info"), 403, "event.attendees_only");
        await Expect.ProblemAsync(await holder.Client.GetAsync($"/api/events/{paid.Id}/attendee-info"), 403, "event.attendees_only");

        // Detail, list and public calendar: never, for anyone (attendee included).
        foreach (var client in new[] { api.CreateClient(), stranger.Client, attendee.Client, organizer.Client })
        {
            foreach (var url in new[] { $"/api/events/{e.Id}", "/api/events?limit=100", $"/api/events/{e.Id}.ics" })
            {
                var body = await (await client.GetAsync(url)).Content.ReadAsStringAsync();
                Assert.DoesNotContain("zoom.example", body);
                Assert.DoesNotContain("handout.pdf", body);
            }
        }

        // The member's own calendar feed carries the join URL; other members' feeds do not.
        var feed = await attendee.Client.PostAsync<CalendarFeeds.CalendarFeedView>("/api/me/calendar-feed", null);
        var ics = await (await api.CreateClient().GetAsync(feed.Url)).Content.ReadAsStringAsync();
        Assert.Contains("zoom.example", Unfold(ics));
        foreach (var m in new[] { stranger, waitlisted, cancelled, holder })
        {
            var theirs = await m.Client.PostAsync<CalendarFeeds.CalendarFeedView>("/api/me/calendar-feed", null);
            var body = await (await api.CreateClient().GetAsync(theirs.Url)).Content.ReadAsStringAsync();
            Assert.DoesNotContain("zoom.example", Unfold(body));
        }

        // The organizer's CSV has the answers, not the join URL.
        var csv = await (await organizer.Client.GetAsync($"/api/events/{e.Id}/attendees.csv")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("zoom.example", csv);
    }

    [Fact]
    public async Task A_revoked_or_replaced_calendar_feed_stops_working()
    {
        var member = await api.MemberAsync();
        var first = (await member.Client.PostAsync<CalendarFeeds.CalendarFeedView>("/api/me/calendar-feed", null)).Url;
        await Expect.StatusAsync(await api.CreateClient().GetAsync(first), 200);
        var second = (await member.Client.PostAsync<CalendarFeeds.CalendarFeedView>("/api/me/calendar-feed", null)).Url;
        await Expect.ProblemAsync(await api.CreateClient().GetAsync(first), 404, "calendar.not_found");
        await Expect.StatusAsync(await member.Client.DeleteAsync("/api/me/calendar-feed"), 204);
        await Expect.ProblemAsync(await api.CreateClient().GetAsync(second), 404, "calendar.not_found");
        await Expect.ProblemAsync(await api.CreateClient().GetAsync("/api/calendar/made-up-token-that-is-long.ics"), 404, "calendar.not_found");
    }

    [Fact]
    public async Task The_event_calendar_is_valid_rfc5545_in_the_events_zone_and_a_cancellation_shows()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession();
        body["title"] = "ライブスーパーヴィジョン前の予習会：精神科医と臨床心理士が一つの事例を読み解く、長いタイトルの勉強会";
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var ics = await (await api.CreateClient().GetAsync($"/api/events/{e.Id}.ics")).Content.ReadAsStringAsync();
        var bytes = Encoding.UTF8.GetBytes(ics);
        Assert.All(ics.Split("\r\n"), line => Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, line));
        Assert.DoesNotContain("\n", ics.Replace("\r\n", ""));
        var unfolded = Unfold(ics);
        var start = (DateTimeOffset)body["startsAt"]!;
        var local = start.ToOffset(TimeSpan.FromHours(9));
        Assert.Contains($"DTSTART;TZID=Asia/Tokyo:{local:yyyyMMdd'T'HHmmss}", unfolded);
        Assert.Contains("BEGIN:VTIMEZONE", unfolded);
        Assert.Contains("TZID:Asia/Tokyo", unfolded);
        Assert.Contains($"UID:{e.Id}@assemble", unfolded);
        Assert.Contains("STATUS:CONFIRMED", unfolded);
        Assert.Contains((string)body["title"]!, unfolded);
        var sequence = int.Parse(unfolded.Split("\r\n").First(l => l.StartsWith("SEQUENCE:"))[9..]);
        Assert.True(bytes.Length > 0);

        await Expect.StatusAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{e.Id}/cancel", new { reason = "講師の体調不良のため" }), 200);
        var cancelled = Unfold(await (await api.CreateClient().GetAsync($"/api/events/{e.Id}.ics")).Content.ReadAsStringAsync());
        Assert.Contains("STATUS:CANCELLED", cancelled);
        Assert.True(int.Parse(cancelled.Split("\r\n").First(l => l.StartsWith("SEQUENCE:"))[9..]) > sequence);
    }

    [Fact]
    public async Task The_attendee_csv_opens_in_excel_with_answers_and_neutralised_formulas_and_no_private_fields()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession();
        var question = Guid.NewGuid();
        body["questions"] = new object[] { new { id = question, text = "所属機関の種別", kind = "text", required = true } };
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var member = await api.MemberAsync();
        await member.Client.PutAsJsonAsync("/api/me/profile", new
        {
            displayName = "=HYPERLINK(\"http://evil\")",
            nameKana = "ひみつ",
            organisation = "非公開クリニック",
            visibility = new { nameKana = "onlyMe", organisation = "onlyMe" },
        });
        await Expect.ProblemAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 400, "registration.invalid_answers");
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations",
            new { ticketTypeId = e.TicketTypeId, answers = new[] { new { questionId = question, text = "病院, \"精神科\"\n外来" } } }), 201);

        var response = await organizer.Client.GetAsync($"/api/events/{e.Id}/attendees.csv");
        await Expect.StatusAsync(response, 200);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var csv = Encoding.UTF8.GetString(bytes[3..]);
        Assert.StartsWith("申込ID,氏名,ふりがな,所属", csv);
        Assert.Contains("所属機関の種別", csv);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\")\"", csv);
        Assert.Contains("\"病院, \"\"精神科\"\"\n外来\"", csv);
        Assert.DoesNotContain("ひみつ", csv);
        Assert.DoesNotContain("非公開クリニック", csv);

        var stranger = await api.MemberAsync();
        await Expect.ProblemAsync(await stranger.Client.GetAsync($"/api/events/{e.Id}/attendees.csv"), 403, "event.not_organizer");
        await Expect.ProblemAsync(await member.Client.GetAsync($"/api/events/{e.Id}/attendees"), 403, "event.not_organizer");
        await Expect.ProblemAsync(await api.CreateClient().GetAsync($"/api/events/{e.Id}/attendees"), 401, "auth.unauthenticated");
        // Raw: a private field is absent from the organizer's list, not null.
        var list = (await Expect.JsonAsync(await organizer.Client.GetAsync($"/api/events/{e.Id}/attendees?limit=10"))).GetProperty("items");
        Assert.Equal(1, list.GetArrayLength());
        Assert.False(list[0].TryGetProperty("nameKana", out _));
        Assert.Equal("所属機関の種別", e.View.Questions[0].Text);
        await Expect.StatusAsync(await organizer.Client.GetAsync($"/api/events/{e.Id}/attendees?limit=1000"), 400);
    }

    private static string Unfold(string ics) => ics.Replace("\r\n ", "");

    /// <summary>A small RFC 5545 reader: unfolds, splits name;params:value, unescapes TEXT. Enough to check fields one by one.</summary>
    private static List<(string Name, Dictionary<string, string> Params, string Value)> Parse(string ics)
        => Unfold(ics).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var colon = line.IndexOf(':');
            var head = line[..colon].Split(';');
            var parameters = head.Skip(1).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            var value = line[(colon + 1)..].Replace("\\n", "\n").Replace("\\,", ",").Replace("\\;", ";").Replace("\\\\", "\\");
            return (head[0], parameters, value);
        }).ToList();

    [Fact]
    public async Task The_member_feed_parses_back_field_by_field()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession();
        body["title"] = "事例検討会, 第2回; 「支援の行き詰まり」";
        body["description"] = "一行目\n二行目";
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var member = await api.MemberAsync();
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);
        var feed = await member.Client.PostAsync<CalendarFeeds.CalendarFeedView>("/api/me/calendar-feed", null);
        var response = await api.CreateClient().GetAsync(feed.Url);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        var lines = Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(("BEGIN", "VCALENDAR"), (lines[0].Name, lines[0].Value));
        Assert.Equal("2.0", lines.Single(l => l.Name == "VERSION").Value);
        var start = (DateTimeOffset)body["startsAt"]!;
        var end = (DateTimeOffset)body["endsAt"]!;
        var calendar = lines;
        lines = lines.SkipWhile(l => !(l.Name == "BEGIN" && l.Value == "VEVENT")).TakeWhile(l => !(l.Name == "END" && l.Value == "VEVENT")).ToList();
        var dtstart = lines.Single(l => l.Name == "DTSTART");
        Assert.Equal("Asia/Tokyo", dtstart.Params["TZID"]);
        Assert.Equal(start.ToOffset(TimeSpan.FromHours(9)).ToString("yyyyMMdd'T'HHmmss"), dtstart.Value);
        var dtend = lines.Single(l => l.Name == "DTEND");
        Assert.Equal(end.ToOffset(TimeSpan.FromHours(9)).ToString("yyyyMMdd'T'HHmmss"), dtend.Value);
        Assert.Equal((string)body["title"]!, lines.Single(l => l.Name == "SUMMARY").Value);
        Assert.StartsWith("一行目\n二行目", lines.Single(l => l.Name == "DESCRIPTION").Value);
        Assert.Equal($"{e.Id}@assemble", lines.Single(l => l.Name == "UID").Value);
        Assert.Equal("https://zoom.example/j/8123456789?pwd=secret", lines.Single(l => l.Name == "URL").Value);
        Assert.Equal("CONFIRMED", lines.Single(l => l.Name == "STATUS").Value);
        Assert.True(int.Parse(lines.Single(l => l.Name == "SEQUENCE").Value) >= 1);
        Assert.EndsWith("Z", lines.Single(l => l.Name == "DTSTAMP").Value);
        var zone = calendar.SkipWhile(l => !(l.Name == "BEGIN" && l.Value == "VTIMEZONE")).TakeWhile(l => !(l.Name == "END" && l.Value == "VTIMEZONE")).ToList();
        Assert.Equal("Asia/Tokyo", zone.Single(l => l.Name == "TZID").Value);
        Assert.Equal("+0900", zone.Single(l => l.Name == "TZOFFSETTO").Value);
        Assert.Equal(("END", "VCALENDAR"), (calendar[^1].Name, calendar[^1].Value));
    }
}
