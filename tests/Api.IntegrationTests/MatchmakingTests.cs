using System.Net.Http.Json;
using Assemble.Api.Features.Events;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Events;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class MatchmakingTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    private static Dictionary<string, object?> Evening(int doctors, int counsellors)
    {
        var body = EventsFactory.StudySession(capacity: doctors + counsellors);
        body["kind"] = "matchmaking";
        body["title"] = "医師と心理職のお見合い会";
        body["ticketTypes"] = new object[]
        {
            new Dictionary<string, object?> { ["name"] = "医師", ["priceYen"] = 0, ["quota"] = doctors, ["side"] = "doctor" },
            new Dictionary<string, object?> { ["name"] = "心理職・福祉職", ["priceYen"] = 0, ["quota"] = counsellors, ["side"] = "counsellor" },
        };
        return body;
    }

    private static Guid Side(EventView view, MatchmakingSide side) => view.TicketTypes.Single(t => t.Side == side).Id;

    private static Task<HttpResponseMessage> RegisterAsync(TestMember member, Guid eventId, Guid ticketTypeId)
        => member.Client.PostAsJsonAsync($"/api/events/{eventId}/registrations", new { ticketTypeId });

    [Fact]
    public async Task Sides_have_quotas_and_follow_verified_credentials()
    {
        var organizer = await api.OrganizerAsync();
        var noSides = Evening(2, 2);
        noSides["ticketTypes"] = new object[] { new Dictionary<string, object?> { ["name"] = "一般", ["priceYen"] = 0 } };
        var draft = await EventsFactory.CreateEventAsync(organizer, noSides, publish: false);
        await Expect.ProblemAsync(await organizer.Client.PostAsync($"/api/events/{draft.Id}/publish", null), 422, "event.matchmaking_sides");
        var sideOnStudySession = EventsFactory.StudySession();
        sideOnStudySession["ticketTypes"] = new object[] { new Dictionary<string, object?> { ["name"] = "一般", ["priceYen"] = 0, ["side"] = "doctor" } };
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync("/api/events", sideOnStudySession), "ticketTypes[0].side");

        var evening = await EventsFactory.CreateEventAsync(organizer, Evening(1, 2));
        var (doctorTicket, counsellorTicket) = (Side(evening.View, MatchmakingSide.Doctor), Side(evening.View, MatchmakingSide.Counsellor));
        var psychologist = await api.VerifiedAsync("clinicalPsychologist");
        await Expect.ProblemAsync(await RegisterAsync(psychologist, evening.Id, doctorTicket), 422, "registration.matchmaking_side");
        var unverified = await api.MemberAsync();
        await Expect.ProblemAsync(await RegisterAsync(unverified, evening.Id, counsellorTicket), 422, "registration.matchmaking_side");
        await Expect.StatusAsync(await RegisterAsync(psychologist, evening.Id, counsellorTicket), 201);

        var psychiatrist = await api.VerifiedAsync("psychiatrist");
        await Expect.StatusAsync(await RegisterAsync(psychiatrist, evening.Id, doctorTicket), 201);
        var secondDoctor = await api.VerifiedAsync("physician");
        await Expect.ProblemAsync(await RegisterAsync(secondDoctor, evening.Id, doctorTicket), 409, "registration.sold_out");
    }

    [Fact]
    public async Task The_organizer_generates_fair_rounds_each_participant_sees_only_their_tables_and_only_mutual_choices_match()
    {
        var organizer = await api.OrganizerAsync();
        var evening = await EventsFactory.CreateEventAsync(organizer, Evening(3, 5));
        var (doctorTicket, counsellorTicket) = (Side(evening.View, MatchmakingSide.Doctor), Side(evening.View, MatchmakingSide.Counsellor));
        var doctors = new List<TestMember>();
        var counsellors = new List<TestMember>();
        for (var i = 0; i < 3; i++)
        {
            doctors.Add(await api.VerifiedAsync(i % 2 == 0 ? "psychiatrist" : "physician"));
            await Expect.StatusAsync(await RegisterAsync(doctors[^1], evening.Id, doctorTicket), 201);
        }
        for (var i = 0; i < 5; i++)
        {
            counsellors.Add(await api.VerifiedAsync(i % 2 == 0 ? "clinicalPsychologist" : "certifiedSocialWorker"));
            await Expect.StatusAsync(await RegisterAsync(counsellors[^1], evening.Id, counsellorTicket), 201);
        }
        var rounds = $"/api/events/{evening.Id}/matchmaking/rounds";
        await Expect.ProblemAsync(await doctors[0].Client.PostAsJsonAsync(rounds, new { rounds = 3 }), 403, "event.not_organizer");
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync(rounds, new { rounds = 0 }), "rounds");

        var schedule = await organizer.Client.PostAsync<Matchmaking.ScheduleView>(rounds, new { rounds = 5, minutesPerRound = 10 }, 201);
        var meetings = schedule.Meetings.Select(m => (m.Round, m.Table, Doctor: m.Doctor.MemberId, Counsellor: m.Counsellor.MemberId)).ToList();
        // 3 doctors × 5 rounds: every doctor meets someone each round and nobody twice; the 5 counsellors get 3 each.
        Assert.Equal(15, meetings.Count);
        Assert.Equal(15, meetings.Select(m => (m.Doctor, m.Counsellor)).Distinct().Count());
        Assert.All(meetings.GroupBy(m => m.Round), r => Assert.Equal([1, 2, 3], r.Select(m => m.Table).Order()));
        Assert.All(counsellors, c => Assert.Equal(3, meetings.Count(m => m.Counsellor == c.Id)));
        var round2 = schedule.Meetings.First(m => m.Round == 2);
        Assert.EndsWith("19:10:00+09:00", round2.StartsAt?.Local);

        // A participant sees their own five tables; a stranger sees nothing.
        var mine = await doctors[0].Client.GetAsync<Matchmaking.ScheduleView>(rounds);
        Assert.Equal(5, mine.Meetings.Count);
        Assert.All(mine.Meetings, m => Assert.Equal(doctors[0].Id, m.Doctor.MemberId));
        var stranger = await api.VerifiedAsync("psychiatrist");
        await Expect.ProblemAsync(await stranger.Client.GetAsync(rounds), 404, "event.not_found");
        await Expect.ProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/events/{evening.Id}/matchmaking/selections", new { memberIds = new[] { counsellors[0].Id } }), 403, "matchmaking.not_participant");

        // Mutual: doctor 0 and counsellor 0. One-sided: doctor 1 chose counsellor 0, who did not choose back.
        var selections = $"/api/events/{evening.Id}/matchmaking/selections";
        await Expect.FieldErrorAsync(await doctors[0].Client.PostAsJsonAsync(selections, new { memberIds = new[] { doctors[1].Id } }), "memberIds");
        var first = await doctors[0].Client.PostAsync<Matchmaking.MySelectionsView>(selections, new { memberIds = new[] { counsellors[0].Id, counsellors[1].Id } });
        Assert.Empty(first.Matches);
        await Expect.StatusAsync(await doctors[1].Client.PostAsJsonAsync(selections, new { memberIds = new[] { counsellors[0].Id } }), 200);
        var back = await counsellors[0].Client.PostAsync<Matchmaking.MySelectionsView>(selections, new { memberIds = new[] { doctors[0].Id } });
        var match = Assert.Single(back.Matches);
        Assert.Equal(doctors[0].Id, match.With.MemberId);
        Assert.Equal(doctors[0].Email, match.Contact.Value);
        // Counsellor 0 never learns that doctor 1 chose them: nothing in their view names doctor 1.
        var counsellorView = await counsellors[0].Client.GetStringAsync(selections);
        Assert.DoesNotContain(doctors[1].Id.ToString(), counsellorView);
        var doctorView = await doctors[0].Client.GetAsync<Matchmaking.MySelectionsView>(selections);
        Assert.Equal(counsellors[0].Id, Assert.Single(doctorView.Matches).With.MemberId);
        var loner = await doctors[1].Client.GetAsync<Matchmaking.MySelectionsView>(selections);
        Assert.Empty(loner.Matches);

        Assert.True(await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "matchmaking.contact_revealed" && a.ActorId == counsellors[0].Id && a.TargetId == doctors[0].Id)) >= 1);
        Assert.Equal(0, await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "matchmaking.contact_revealed" && a.ActorId == doctors[1].Id)));
        var organizerView = await organizer.Client.GetAsync<Matchmaking.ScheduleView>(rounds);
        Assert.Equal(1, organizerView.MutualMatches);

        // Someone who leaves the evening leaves their matches too (and nobody gets a 500 for it).
        await api.ScalarAsync($"UPDATE registrations SET status = 'Cancelled', ended_at = now() WHERE member_id = '{doctors[0].Id}' AND event_id = '{evening.Id}'");
        var after = await counsellors[0].Client.GetAsync<Matchmaking.MySelectionsView>(selections);
        Assert.Empty(after.Matches);
        await Expect.ProblemAsync(await counsellors[0].Client.PostAsJsonAsync(selections, new { memberIds = new[] { Guid.Empty } }), 400, "matchmaking.invalid");
    }
}
