using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Api.Features.Registrations;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Events;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class EventTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    [Fact]
    public async Task An_organizer_schedules_a_draft_only_organizers_see_it_until_published_and_times_show_in_tokyo()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession();
        var draft = await EventsFactory.CreateEventAsync(organizer, body, publish: false);
        Assert.Equal(EventStatus.Draft, draft.View.Status);
        var start = (DateTimeOffset)body["startsAt"]!;
        Assert.Equal(start, draft.View.StartsAt.Utc);
        Assert.Equal(start.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd'T'HH:mm:ss") + "+09:00", draft.View.StartsAt.Local);
        Assert.EndsWith("T19:00:00+09:00", draft.View.StartsAt.Local);

        var member = await api.MemberAsync();
        await Expect.ProblemAsync(await member.Client.GetAsync($"/api/events/{draft.Id}"), 404, "event.not_found");
        await Expect.ProblemAsync(await api.CreateClient().GetAsync($"/api/events/{draft.Id}"), 404, "event.not_found");
        await Expect.ProblemAsync(await member.Client.PostAsync($"/api/events/{draft.Id}/publish", null), 404, "event.not_found");
        await Expect.ProblemAsync(await member.Client.PostAsJsonAsync($"/api/events/{draft.Id}/registrations", new { ticketTypeId = draft.TicketTypeId }), 404, "event.not_found");
        var list = await member.Client.GetAsync<Page<EventSummary>>("/api/events?limit=100");
        Assert.DoesNotContain(list.Items, i => i.Id == draft.Id);

        await Expect.StatusAsync(await organizer.Client.PostAsync($"/api/events/{draft.Id}/publish", null), 200);
        await Expect.ProblemAsync(await organizer.Client.PostAsync($"/api/events/{draft.Id}/publish", null), 409, "event.not_draft");
        var published = await api.CreateClient().GetAsync<EventView>($"/api/events/{draft.Id}");
        Assert.Equal(EventStatus.Published, published.Status);
        Assert.Equal(40, published.SeatsLeft);
        await Expect.ProblemAsync(await member.Client.PutAsJsonAsync($"/api/events/{draft.Id}", body), 403, "event.not_organizer");
        await Expect.ProblemAsync(await member.Client.PostAsJsonAsync($"/api/events/{draft.Id}/cancel", new { reason = "x" }), 403, "event.not_organizer");
    }

    [Fact]
    public async Task Only_organizers_and_admins_create_events_and_co_organizers_may_edit()
    {
        var member = await api.MemberAsync();
        await Expect.ProblemAsync(await member.Client.PostAsJsonAsync("/api/events", EventsFactory.StudySession()), 403, "auth.forbidden");
        await Expect.ProblemAsync(await api.CreateClient().PostAsJsonAsync("/api/events", EventsFactory.StudySession()), 401, "auth.unauthenticated");
        var admin = await api.AdminAsync();
        await EventsFactory.CreateEventAsync(admin, EventsFactory.StudySession());

        var organizer = await api.OrganizerAsync();
        var coOrganizer = await api.MemberAsync();
        var body = EventsFactory.StudySession();
        body["coOrganizerIds"] = new[] { coOrganizer.Id };
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        body["title"] = "改題：相談記録の勉強会";
        body["ticketTypes"] = new object[] { new { id = e.TicketTypeId, name = "一般", priceYen = 0 } };
        var updated = await coOrganizer.Client.PutAsync<EventView>($"/api/events/{e.Id}", body);
        Assert.Equal("改題：相談記録の勉強会", updated.Title);
        Assert.True(updated.Sequence > e.View.Sequence);
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM notification_records WHERE event_id = '{e.Id}' AND type = 'event.changed'"));
    }

    [Fact]
    public async Task The_list_filters_sorts_by_start_and_pages_with_seats_left()
    {
        var organizer = await api.OrganizerAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var body = EventsFactory.StudySession(capacity: 1, priceYen: i % 2 == 0 ? 0 : 1500);
            body["title"] = $"一覧テスト {tag} {i}";
            var start = (DateTimeOffset)body["startsAt"]! + TimeSpan.FromDays(5 - i);
            body["startsAt"] = start;
            body["endsAt"] = start.AddHours(2);
            if (i == 4)
            {
                body["format"] = "inPerson";
                body["venue"] = new { name = "梅田の会議室", address = "大阪市北区", prefecture = "osaka" };
                body.Remove("onlineJoinUrl");
            }
            created.Add((await EventsFactory.CreateEventAsync(organizer, body)).Id);
        }
        var full = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 1));
        await (await api.MemberAsync()).Client.PostAsJsonAsync($"/api/events/{created[0]}/registrations", new { ticketTypeId = (await organizer.Client.GetAsync<EventView>($"/api/events/{created[0]}")).TicketTypes[0].Id });
        _ = full;

        var seen = new List<EventSummary>();
        string? cursor = null;
        do
        {
            var page = await api.CreateClient().GetAsync<Page<EventSummary>>($"/api/events?q={tag}&limit=2{(cursor is null ? "" : "&cursor=" + cursor)}");
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);
        Assert.Equal(created.AsEnumerable().Reverse(), seen.Select(s => s.Id));

        var free = await api.CreateClient().GetAsync<Page<EventSummary>>($"/api/events?q={tag}&free=true");
        Assert.Equal(3, free.Items.Count);
        var osaka = await api.CreateClient().GetAsync<Page<EventSummary>>($"/api/events?q={tag}&prefecture=osaka&format=inPerson");
        Assert.Equal(created[4], Assert.Single(osaka.Items).Id);
        var withSeats = await api.CreateClient().GetAsync<Page<EventSummary>>($"/api/events?q={tag}&hasSeats=true");
        Assert.Equal(4, withSeats.Items.Count);
        Assert.DoesNotContain(withSeats.Items, i => i.Id == created[0]);
        // The filter (SQL) and the figures it shows (SeatRoom) say the same thing about every event.
        Assert.All(withSeats.Items, i => Assert.True(i.SeatsLeft > 0 && !i.SoldOut));
        var withoutSeats = await api.CreateClient().GetAsync<Page<EventSummary>>($"/api/events?q={tag}&hasSeats=false");
        var soldOut = Assert.Single(withoutSeats.Items);
        Assert.Equal(created[0], soldOut.Id);
        Assert.True(soldOut.SoldOut);
        Assert.Equal(0, soldOut.SeatsLeft);

        foreach (var bad in new[] { "kind=party", "format=3", "limit=0", "limit=500", "cursor=abc", "from=yesterday", "hasSeats=maybe", "audience=everyone" })
            await Expect.StatusAsync(await api.CreateClient().GetAsync($"/api/events?{bad}"), 400);
    }

    [Fact]
    public async Task A_live_supervision_needs_a_verified_psychiatrist_and_psychologist_and_attendees_need_a_credential_and_the_pledge()
    {
        var organizer = await api.OrganizerAsync();
        var psychiatrist = await api.VerifiedAsync("psychiatrist");
        var psychologist = await api.MemberAsync();
        var body = EventsFactory.StudySession(capacity: 30, priceYen: 4000);
        body["kind"] = "liveSupervision";
        body["title"] = "【精神科医VS臨床心理士】ライブスーパーヴィジョン";
        body["attendeeMaterials"] = "匿名化された事例資料";
        body["speakers"] = new object[]
        {
            new { memberId = psychiatrist.Id, name = "阿部 健一", profession = "精神科医", role = "panelist" },
            new { memberId = psychologist.Id, name = "岩倉 美香", profession = "臨床心理士", role = "panelist" },
        };
        var e = await EventsFactory.CreateEventAsync(organizer, body, publish: false);
        Assert.False(string.IsNullOrEmpty(e.View.PledgeText));
        await Expect.ProblemAsync(await organizer.Client.PostAsync($"/api/events/{e.Id}/publish", null), 422, "event.panel_incomplete");
        await api.VerifiedAsync("clinicalPsychologist", psychologist);
        await Expect.StatusAsync(await organizer.Client.PostAsync($"/api/events/{e.Id}/publish", null), 200);

        var unverified = await api.MemberAsync();
        await Expect.ProblemAsync(await unverified.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId, pledgeAccepted = true }), 422, "registration.not_eligible");
        var nurse = await api.VerifiedAsync("nurse");
        await Expect.ProblemAsync(await nurse.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 422, "registration.pledge_required");
        var held = await nurse.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId, pledgeAccepted = true }, 202);
        Assert.Equal(1, await api.DbAsync(db => db.Registrations.CountAsync(r => r.Id == held.Id && r.PledgeVersion == 1 && r.PledgeAcceptedAt != null)));

        // Panelists see the case materials; a holder who has not paid does not.
        var forPanel = await psychologist.Client.GetAsync<AttendeeInfoView>($"/api/events/{e.Id}/attendee-info");
        Assert.Equal("匿名化された事例資料", forPanel.Materials);
        await Expect.ProblemAsync(await nurse.Client.GetAsync($"/api/events/{e.Id}/attendee-info"), 403, "event.attendees_only");
    }

    [Fact]
    public async Task A_coaching_cohort_covers_several_sessions_needs_approval_and_checks_in_per_session()
    {
        var organizer = await api.OrganizerAsync();
        var first = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(7).AddHours(11), TimeSpan.Zero);
        var body = EventsFactory.StudySession(capacity: 1);
        body["kind"] = "coachingCohort";
        body["title"] = "キャリアコーチング 第一期";
        body.Remove("startsAt");
        body.Remove("endsAt");
        body["requiresApproval"] = true;
        body["sessions"] = Enumerable.Range(0, 3).Select(i => new { title = $"第{i + 1}回", startsAt = first.AddDays(7 * i), endsAt = first.AddDays(7 * i).AddHours(2) }).ToArray();
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        Assert.Equal(3, e.View.Sessions.Count);

        var applicant = await api.MemberAsync();
        var application = await applicant.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, 202);
        Assert.Equal(RegistrationStatus.PendingApproval, application.Status);
        Assert.Equal(0, await api.SeatsTakenAsync(e.Id));
        var second = await api.MemberAsync();
        var secondApplication = await second.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, 202);

        await Expect.ProblemAsync(await applicant.Client.PostAsync($"/api/registrations/{application.Id}/approve", null), 403, "event.not_organizer");
        var approved = await organizer.Client.PostAsync<RegistrationView>($"/api/registrations/{application.Id}/approve", null);
        Assert.Equal(RegistrationStatus.Confirmed, approved.Status);
        await Expect.ProblemAsync(await organizer.Client.PostAsync($"/api/registrations/{secondApplication.Id}/approve", null), 409, "registration.sold_out");

        // Check-in per session; a repeat scan records nothing new.
        var mine = await applicant.Client.GetAsync<RegistrationView>($"/api/registrations/{application.Id}");
        var code = mine.CheckInCode;
        var sessions = e.View.Sessions.Select(s => s.Id).ToList();
        await Expect.StatusAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{e.Id}/check-ins", new { code, sessionId = sessions[0] }), 201);
        var again = await organizer.Client.PostAsync<CheckInAttendee.Response>($"/api/events/{e.Id}/check-ins", new { code = code!.ToLowerInvariant(), sessionId = sessions[0] });
        Assert.True(again.AlreadyCheckedIn);
        Assert.Contains("Already checked in at", again.Message);
        await Expect.StatusAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{e.Id}/check-ins", new { code, sessionId = sessions[2] }), 201);
        var attendance = await applicant.Client.GetAsync<RegistrationView>($"/api/registrations/{application.Id}");
        Assert.Equal(2, attendance.CheckedInSessionIds.Count);
        Assert.Equal(2, await api.DbAsync(db => db.CheckIns.CountAsync()));

        await Expect.ProblemAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{e.Id}/check-ins", new { code = "NOPE" }), 404, "checkin.unknown_code");
        await Expect.ProblemAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{e.Id}/check-ins", new { code, sessionId = Guid.NewGuid() }), 422, "checkin.unknown_session");
        await Expect.ProblemAsync(await applicant.Client.PostAsJsonAsync($"/api/events/{e.Id}/check-ins", new { code }), 403, "event.not_organizer");
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{e.Id}/check-ins", new { }), "code");
    }

    [Fact]
    public async Task Check_in_refuses_pending_and_cancelled_registrations_and_the_qr_is_a_png_for_its_owner_only()
    {
        var organizer = await api.OrganizerAsync();
        var paid = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 5, priceYen: 1000));
        var holder = await api.MemberAsync();
        var hold = await holder.Client.PostAsync<RegistrationView>($"/api/events/{paid.Id}/registrations", new { ticketTypeId = paid.TicketTypeId }, 202);
        var holdCode = await api.DbAsync(db => db.Registrations.Where(r => r.Id == hold.Id).Select(r => r.CheckInCode).SingleAsync());
        await Expect.ProblemAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{paid.Id}/check-ins", new { code = holdCode }), 422, "checkin.not_confirmed");
        await Expect.ProblemAsync(await holder.Client.GetAsync($"/api/registrations/{hold.Id}/qr"), 422, "checkin.not_confirmed");

        var free = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession());
        var attendee = await api.MemberAsync();
        var registration = await attendee.Client.PostAsync<RegistrationView>($"/api/events/{free.Id}/registrations", new { ticketTypeId = free.TicketTypeId }, 201);
        var id = registration.Id;
        var qr = await attendee.Client.GetAsync($"/api/registrations/{id}/qr");
        await Expect.StatusAsync(qr, 200);
        Assert.Equal("image/png", qr.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, (await qr.Content.ReadAsByteArrayAsync())[..4]);
        var stranger = await api.MemberAsync();
        await Expect.ProblemAsync(await stranger.Client.GetAsync($"/api/registrations/{id}/qr"), 404, "registration.not_found");
        await Expect.ProblemAsync(await stranger.Client.GetAsync($"/api/registrations/{id}"), 404, "registration.not_found");
        await Expect.ProblemAsync(await stranger.Client.PostAsync($"/api/registrations/{id}/cancel", null), 404, "registration.not_found");
        await Expect.ProblemAsync(await api.CreateClient().GetAsync($"/api/registrations/{id}"), 401, "auth.unauthenticated");
        await Expect.StatusAsync(await organizer.Client.GetAsync($"/api/registrations/{id}"), 200);

        await Expect.StatusAsync(await attendee.Client.PostAsync($"/api/registrations/{id}/cancel", null), 200);
        await Expect.ProblemAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{free.Id}/check-ins", new { code = registration.CheckInCode }), 422, "checkin.not_confirmed");
    }

    [Fact]
    public async Task Registration_rules_unconfirmed_email_closed_sales_deadline_started_and_cancelled_events()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 10));
        var unconfirmed = await api.MemberAsync(emailConfirmed: false);
        await Expect.ProblemAsync(await unconfirmed.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 422, "registration.email_unconfirmed");
        var member = await api.MemberAsync();
        await Expect.ProblemAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = Guid.NewGuid() }), 422, "registration.unknown_ticket_type");
        await Expect.ProblemAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId, quantity = 2 }), 422, "registration.too_many");

        var body = EventsFactory.StudySession();
        body["ticketTypes"] = new object[] { new { name = "早割", priceYen = 0, salesEndAt = DateTimeOffset.UtcNow.AddDays(-1), salesStartAt = DateTimeOffset.UtcNow.AddDays(-3) } };
        var closed = await EventsFactory.CreateEventAsync(organizer, body);
        await Expect.ProblemAsync(await member.Client.PostAsJsonAsync($"/api/events/{closed.Id}/registrations", new { ticketTypeId = closed.TicketTypeId }), 422, "registration.sales_closed");

        // Within the cancellation deadline (24 h before the start) a member can no longer cancel.
        var soon = EventsFactory.StudySession();
        var start = DateTimeOffset.UtcNow.AddHours(10);
        soon["startsAt"] = start;
        soon["endsAt"] = start.AddHours(2);
        var tomorrow = await EventsFactory.CreateEventAsync(organizer, soon);
        var registration = await member.Client.PostAsync<RegistrationView>($"/api/events/{tomorrow.Id}/registrations", new { ticketTypeId = tomorrow.TicketTypeId }, 201);
        await Expect.ProblemAsync(await member.Client.PostAsync($"/api/registrations/{registration.Id}/cancel", null), 422, "registration.cancellation_closed");
        // An organizer may still remove it, with a reason.
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync($"/api/registrations/{registration.Id}/remove", new { reason = "" }), "reason");
        var removed = await organizer.Client.PostAsync<RegistrationView>($"/api/registrations/{registration.Id}/remove", new { reason = "重複申込のため" });
        Assert.Equal(RegistrationStatus.Removed, removed.Status);

        // After the start nothing about attendees changes.
        await api.ScalarAsync($"UPDATE events SET starts_at = now() - interval '1 hour', ends_at = now() + interval '1 hour' WHERE id = '{e.Id}'");
        await Expect.ProblemAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 422, "registration.event_started");

        var toCancel = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 5, priceYen: 2000));
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{toCancel.Id}/cancel", new { }), "reason");
        await Expect.StatusAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{toCancel.Id}/cancel", new { reason = "台風接近のため中止します" }), 200);
        await Expect.ProblemAsync(await member.Client.PostAsJsonAsync($"/api/events/{toCancel.Id}/registrations", new { ticketTypeId = toCancel.TicketTypeId }), 422, "registration.event_cancelled");
        await Expect.ProblemAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{toCancel.Id}/cancel", new { reason = "again" }), 409, "event.cancelled");
    }

    [Fact]
    public async Task Cancelling_an_event_cancels_every_registration_closes_the_waitlist_and_queues_refunds_for_paid_ones()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 2, priceYen: 3000));
        var members = await api.MembersAsync(3);
        foreach (var m in members.Take(2)) await Expect.StatusAsync(await m.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 202);
        await Expect.StatusAsync(await members[2].Client.PostAsJsonAsync($"/api/events/{e.Id}/waitlist", new { ticketTypeId = e.TicketTypeId }), 201);
        // One of them has paid (the payments work confirms; here the row is set as that work will).
        await api.ScalarAsync($"UPDATE registrations SET status = 'Confirmed', hold_expires_at = NULL, confirmed_at = now() WHERE event_id = '{e.Id}' AND member_id = '{members[0].Id}'");

        await Expect.StatusAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{e.Id}/cancel", new { reason = "講師急病のため" }), 200);
        Assert.Equal(0, await api.DbAsync(db => db.Registrations.CountAsync(r => r.EventId == e.Id && r.Status != RegistrationStatus.Cancelled)));
        Assert.Equal(0, await api.DbAsync(db => db.WaitlistEntries.CountAsync(w => w.EventId == e.Id && w.Status != WaitlistStatus.Closed)));
        // (The refund and its notice come with the payment row, which this test does not make: PaymentTests covers them.)
        Assert.Equal(2, await api.CountAsync($"SELECT count(*) FROM notification_records WHERE event_id = '{e.Id}' AND type = 'registration.cancelled'"));
        Assert.Equal(0, await api.SeatsTakenAsync(e.Id));
    }

    public static TheoryData<string, string> BadEvents => new()
    {
        { "{", "$" },
        { "{}", "kind" },
        { "{\"kind\": \"party\"}", "kind" },
        { "{\"kind\": \"studySession\", \"format\": \"online\", \"title\": \"t\", \"capacity\": \"forty\"}", "capacity" },
        { "{\"kind\": \"studySession\", \"format\": \"online\", \"title\": \"t\", \"capacity\": 40, \"seatsTaken\": 0}", "seatsTaken" },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task A_malformed_event_is_400_with_the_field_named_and_nothing_is_stored(string json, string field)
    {
        var organizer = await api.OrganizerAsync();
        var before = await api.DbAsync(db => db.Events.CountAsync());
        await Expect.FieldErrorAsync(await organizer.Client.PostAsync("/api/events", new StringContent(json, Encoding.UTF8, "application/json")), field);
        Assert.Equal(before, await api.DbAsync(db => db.Events.CountAsync()));
    }

    [Theory]
    [InlineData("title", "", "title")]
    [InlineData("title", "タブ\tのある題", "title")]
    [InlineData("capacity", 0, "capacity")]
    [InlineData("timeZone", "Mars/Olympus", "timeZone")]
    [InlineData("onlineJoinUrl", "http://insecure.example/j/1", "onlineJoinUrl")]
    [InlineData("onlineJoinUrl", "https://zoom.example/j/1 2", "onlineJoinUrl")]
    [InlineData("holdMinutes", 5, "holdMinutes")]
    public async Task An_event_breaking_a_limit_is_400_with_the_field_named(string key, object value, string field)
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession();
        body[key] = value;
        var before = await api.DbAsync(db => db.Events.CountAsync());
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync("/api/events", body), field, "event.invalid");
        Assert.Equal(before, await api.DbAsync(db => db.Events.CountAsync()));
    }

    [Fact]
    public async Task Ends_before_start_long_titles_and_bad_ticket_prices_are_refused()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession();
        body["endsAt"] = ((DateTimeOffset)body["startsAt"]!).AddHours(-1);
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync("/api/events", body), "sessions", "event.invalid");
        body = EventsFactory.StudySession();
        body["title"] = new string('題', 201);
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync("/api/events", body), "title", "event.invalid");
        body = EventsFactory.StudySession(priceYen: -100);
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync("/api/events", body), "ticketTypes[0].priceYen", "event.invalid");
    }

    [Fact]
    public async Task Bad_registration_requests_are_400_and_take_no_seat()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 3));
        var member = await api.MemberAsync();
        foreach (var (json, field) in new[]
                 {
                     ("{}", "ticketTypeId"),
                     ("{\"ticketTypeId\": \"not-a-guid\"}", "ticketTypeId"),
                     ($"{{\"ticketTypeId\": \"{e.TicketTypeId}\", \"status\": \"confirmed\"}}", "status"),
                     ($"{{\"ticketTypeId\": \"{e.TicketTypeId}\", \"quantity\": \"two\"}}", "quantity"),
                     ($"{{\"ticketTypeId\": \"{e.TicketTypeId}\", \"answers\": [{{\"text\": \"x\"}}]}}", "answers"),
                 })
            await Expect.FieldErrorAsync(await member.Client.PostAsync($"/api/events/{e.Id}/registrations", new StringContent(json, Encoding.UTF8, "application/json")), field);
        Assert.Equal(0, await api.SeatsTakenAsync(e.Id));
        Assert.Equal(0, await api.DbAsync(db => db.Registrations.CountAsync(r => r.EventId == e.Id)));
        await Expect.ProblemAsync(await member.Client.PostAsJsonAsync($"/api/events/{Guid.NewGuid()}/registrations", new { ticketTypeId = e.TicketTypeId }), 404, "event.not_found");
    }
}
