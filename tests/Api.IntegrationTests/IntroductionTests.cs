using System.Net.Http.Json;
using Assemble.Api.Common;
using Assemble.Api.Features.Referrals;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Members;
using Assemble.Domain.Referrals;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class IntroductionTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    private static object Need(string note = "思春期のトラウマに対するTF-CBTをお願いできる方を探しています。") => new
    {
        wantedProfessions = new[] { "clinicalPsychologist" },
        specialties = new[] { "trauma-ptsd" },
        ageGroup = "adolescent",
        area = new[] { "osaka" },
        urgency = "routine",
        note,
    };

    private async Task<TestMember> ListedAsync()
    {
        var psychologist = await api.VerifiedAsync("clinicalPsychologist");
        await Expect.StatusAsync(await psychologist.Client.PutAsJsonAsync("/api/me/practice-profile", PracticeProfileTests.Practice()), 200);
        return psychologist;
    }

    private async Task<(TestMember Requester, Guid RequestId)> RequestAsync()
    {
        var psychiatrist = await api.VerifiedAsync("psychiatrist");
        var created = await psychiatrist.Client.PostAsync<ReferralRequests.ReferralRequestView>("/api/referral-requests", Need(), 201);
        Assert.Equal(ReferralStatus.Draft, created.Status);
        return (psychiatrist, created.Id);
    }

    private static async Task<List<Introductions.SentIntroductionView>> SendAsync(TestMember requester, Guid requestId, params TestMember[] invitees)
        => await requester.Client.PostAsync<List<Introductions.SentIntroductionView>>($"/api/referral-requests/{requestId}/introductions",
            new { profileIds = invitees.Select(i => i.Id), contact = new { kind = "phone", value = "06-6123-4567" } }, 201);

    private static async Task<List<Introductions.ReceivedIntroductionView>> ReceivedAsync(TestMember invitee, string query = "")
        => await invitee.Client.GetAsync<List<Introductions.ReceivedIntroductionView>>("/api/me/introductions" + query);

    private static async Task<Introductions.ReceivedIntroductionView> MineAsync(TestMember invitee) => Assert.Single(await ReceivedAsync(invitee));

    private static async Task<List<Introductions.SentIntroductionView>> SentAsync(TestMember requester, Guid requestId)
        => await requester.Client.GetAsync<List<Introductions.SentIntroductionView>>($"/api/referral-requests/{requestId}/introductions");

    private Task<int> RevealsByAsync(Guid actorId)
        => api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "referral.contact_revealed" && a.ActorId == actorId));

    private Task<IntroductionStatus> IntroductionStatusAsync(Guid id) => api.DbAsync(db => db.Introductions.Where(i => i.Id == id).Select(i => i.Status).SingleAsync());

    private Task<ReferralRequest> RequestRowAsync(Guid id) => api.DbAsync(db => db.ReferralRequests.SingleAsync(r => r.Id == id));

    [Fact]
    public async Task Double_opt_in_contacts_are_revealed_only_after_accept_only_to_the_two_sides_and_every_reveal_is_logged()
    {
        var (requester, requestId) = await RequestAsync();
        var accepting = await ListedAsync();
        var declining = await ListedAsync();
        var sent = await SendAsync(requester, requestId, accepting, declining);
        Assert.All(sent, i => Assert.Equal(IntroductionStatus.Sent, i.Status));
        Assert.All(sent, i => Assert.Null(i.Contact));
        Assert.Equal(2, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => (m.To == accepting.Email || m.To == declining.Email) && m.Subject.Contains("紹介"))));

        // The invitee sees the need, with 72 hours to answer, but not who asked or how to reach them.
        var invited = await MineAsync(accepting);
        Assert.Equal(requestId, invited.RequestId);
        Assert.Contains("TF-CBT", invited.Need.Note);
        Assert.Null(invited.Requester);
        Assert.Equal(TimeSpan.FromHours(72), invited.RespondBy - invited.SentAt);
        await Expect.StatusAsync(await accepting.Client.GetAsync($"/api/referral-requests/{requestId}"), 200);
        Assert.Equal(0, await RevealsByAsync(requester.Id) + await RevealsByAsync(accepting.Id) + await RevealsByAsync(declining.Id));

        var accepted = await accepting.Client.PostAsync<Introductions.ReceivedIntroductionView>($"/api/me/introductions/{invited.Id}/accept",
            new { contact = new { kind = "email", value = "office@counselling.example.jp" } });
        Assert.Equal(IntroductionStatus.Accepted, accepted.Status);
        Assert.Equal("06-6123-4567", accepted.Requester?.Contact?.Value);
        Assert.Contains(Profession.Psychiatrist, accepted.Requester!.Professions);

        var declineId = (await MineAsync(declining)).Id;
        var declined = await declining.Client.PostAsync<Introductions.ReceivedIntroductionView>($"/api/me/introductions/{declineId}/decline", new { reason = "noCapacity" });
        Assert.Equal(IntroductionStatus.Declined, declined.Status);
        Assert.Null(declined.Requester);

        var seen = await SentAsync(requester, requestId);
        var toAccepting = seen.Single(i => i.ProfileId == accepting.Id);
        var toDeclining = seen.Single(i => i.ProfileId == declining.Id);
        Assert.Equal("office@counselling.example.jp", toAccepting.Contact?.Value);
        Assert.Null(toDeclining.Contact);
        Assert.Equal(DeclineReason.NoCapacity, toDeclining.DeclineReason);

        // Each reveal is one line: the invitee's accept response, the requester's read.
        Assert.Equal(1, await RevealsByAsync(accepting.Id));
        Assert.Equal(1, await RevealsByAsync(requester.Id));
        Assert.Equal(0, await RevealsByAsync(declining.Id));
        // The requester is told of both answers.
        Assert.Equal(2, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == requester.Email && (m.Subject.Contains("紹介") || m.Subject.Contains("introduction")))));

        var closed = await requester.Client.PostAsync<ReferralRequests.ReferralRequestView>($"/api/referral-requests/{requestId}/close", new { outcome = "firstSessionBooked" });
        Assert.Equal(ReferralStatus.Closed, closed.Status);
        Assert.Equal(ReferralOutcome.FirstSessionBooked, closed.Outcome);
        Assert.Equal(2, await api.DbAsync(db => db.Introductions.CountAsync(i => i.RequestId == requestId && i.Status == IntroductionStatus.Closed)));
    }

    [Fact]
    public async Task Strangers_get_404_on_every_request_and_introduction_endpoint()
    {
        var (requester, requestId) = await RequestAsync();
        var invitee = await ListedAsync();
        await SendAsync(requester, requestId, invitee);
        var introductionId = (await MineAsync(invitee)).Id;
        var stranger = await ListedAsync();

        foreach (var path in new[] { "", "/introductions", "/matches" })
            await Expect.ProblemAsync(await stranger.Client.GetAsync($"/api/referral-requests/{requestId}{path}"), 404, "referral.not_found");
        await Expect.ProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions", new { profileIds = new[] { stranger.Id } }), 404, "referral.not_found");
        await Expect.ProblemAsync(await stranger.Client.PostAsync($"/api/referral-requests/{requestId}/withdraw", null), 404, "referral.not_found");
        await Expect.ProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/close", new { outcome = "unknown" }), 404, "referral.not_found");
        await Expect.ProblemAsync(await stranger.Client.PostAsync($"/api/referral-requests/{requestId}/introductions/{introductionId}/withdraw", null), 404, "referral.not_found");
        await Expect.ProblemAsync(await stranger.Client.GetAsync($"/api/me/introductions/{introductionId}"), 404, "introduction.not_found");
        await Expect.ProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/me/introductions/{introductionId}/accept", new { }), 404, "introduction.not_found");
        await Expect.ProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/me/introductions/{introductionId}/decline", new { reason = "fee" }), 404, "introduction.not_found");
        Assert.Empty(await ReceivedAsync(stranger));

        // The invitee sees the need but may not act for the requester, nor see the candidates list.
        await Expect.ProblemAsync(await invitee.Client.GetAsync($"/api/referral-requests/{requestId}/introductions"), 404, "referral.not_found");
        await Expect.ProblemAsync(await invitee.Client.GetAsync($"/api/referral-requests/{requestId}/matches"), 404, "referral.not_found");
        await Expect.ProblemAsync(await invitee.Client.PostAsync($"/api/referral-requests/{requestId}/withdraw", null), 404, "referral.not_found");
        // And the requester cannot answer for the invitee.
        await Expect.ProblemAsync(await requester.Client.PostAsJsonAsync($"/api/me/introductions/{introductionId}/accept", new { }), 404, "introduction.not_found");
        await Expect.ProblemAsync(await api.CreateClient().GetAsync("/api/me/introductions"), 401, "auth.unauthenticated");
        Assert.Equal(IntroductionStatus.Sent, await IntroductionStatusAsync(introductionId));

        // A stranger's malformed or unlisted body still gets 404: access is decided before the body is read.
        await Expect.ProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions", new { profileIds = new[] { Guid.NewGuid() }, contact = new { kind = "email", value = "x" } }), 404, "referral.not_found");
        await Expect.ProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/close", new { }), 404, "referral.not_found");
        await Expect.ProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/me/introductions/{introductionId}/decline", new { }), 404, "introduction.not_found");
        await Expect.ProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/me/introductions/{introductionId}/accept", new { contact = new { kind = "phone", value = "x" } }), 404, "introduction.not_found");

        // Admins see the request and its introductions (and the read is logged), but never act in the requester's name.
        var admin = await api.AdminAsync();
        await Expect.StatusAsync(await admin.Client.GetAsync($"/api/referral-requests/{requestId}"), 200);
        Assert.Single(await SentAsync(admin, requestId));
        Assert.True(await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "referral.read" && a.ActorId == admin.Id && a.TargetId == requestId)) >= 2);
        await Expect.ProblemAsync(await admin.Client.PostAsync($"/api/referral-requests/{requestId}/withdraw", null), 404, "referral.not_found");
        await Expect.ProblemAsync(await admin.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions", new { profileIds = new[] { stranger.Id } }), 404, "referral.not_found");
        await Expect.StatusAsync(await invitee.Client.GetAsync("/api/me/introductions?status=bogus"), 400);
        Assert.Single(await ReceivedAsync(invitee, "?status=sent"));
        Assert.Empty(await ReceivedAsync(invitee, "?status=accepted"));

        // Once the requester withdraws the request, the invitee can no longer read it.
        await Expect.StatusAsync(await invitee.Client.GetAsync($"/api/referral-requests/{requestId}"), 200);
        await Expect.StatusAsync(await requester.Client.PostAsync($"/api/referral-requests/{requestId}/withdraw", null), 200);
        await Expect.ProblemAsync(await invitee.Client.GetAsync($"/api/referral-requests/{requestId}"), 404, "referral.not_found");
        await Expect.StatusAsync(await requester.Client.GetAsync($"/api/referral-requests/{requestId}"), 200);
    }

    [Fact]
    public async Task Every_transition_outside_the_state_machine_is_refused_with_409()
    {
        var (requester, requestId) = await RequestAsync();
        // Draft: nothing accepted, so it cannot close.
        await Expect.ProblemAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/close", new { outcome = "unknown" }), 409, "referral.invalid_transition");

        var first = await ListedAsync();
        var second = await ListedAsync();
        var third = await ListedAsync();
        await SendAsync(requester, requestId, first, second, third);
        await Expect.ProblemAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/close", new { outcome = "unknown" }), 409, "referral.nothing_accepted");
        await Expect.ProblemAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions", new { profileIds = new[] { first.Id } }), 409, "introduction.already_invited");
        await Expect.ProblemAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions", new { profileIds = new[] { requester.Id } }), 422, "introduction.self");
        await Expect.ProblemAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions", new { profileIds = new[] { Guid.Empty } }), 422, "introduction.not_listed");

        var firstId = (await MineAsync(first)).Id;
        var secondId = (await MineAsync(second)).Id;
        var thirdId = (await MineAsync(third)).Id;
        await Expect.StatusAsync(await first.Client.PostAsJsonAsync($"/api/me/introductions/{firstId}/accept", new { }), 200);
        // accepted → accepted, accepted → declined, accepted → withdrawn
        await Expect.ProblemAsync(await first.Client.PostAsJsonAsync($"/api/me/introductions/{firstId}/accept", new { }), 409, "introduction.invalid_transition");
        await Expect.ProblemAsync(await first.Client.PostAsJsonAsync($"/api/me/introductions/{firstId}/decline", new { reason = "other" }), 409, "introduction.invalid_transition");
        await Expect.ProblemAsync(await requester.Client.PostAsync($"/api/referral-requests/{requestId}/introductions/{firstId}/withdraw", null), 409, "introduction.invalid_transition");

        // sent → withdrawn, then withdrawn → accepted is refused
        await Expect.StatusAsync(await second.Client.GetAsync($"/api/referral-requests/{requestId}"), 200);
        await Expect.StatusAsync(await requester.Client.PostAsync($"/api/referral-requests/{requestId}/introductions/{secondId}/withdraw", null), 200);
        await Expect.ProblemAsync(await second.Client.PostAsJsonAsync($"/api/me/introductions/{secondId}/accept", new { }), 409, "introduction.invalid_transition");
        // A withdrawn invitation no longer opens the request; the one who accepted still reads it.
        await Expect.ProblemAsync(await second.Client.GetAsync($"/api/referral-requests/{requestId}"), 404, "referral.not_found");
        await Expect.StatusAsync(await first.Client.GetAsync($"/api/referral-requests/{requestId}"), 200);

        // sent → expired once 72 hours pass, then a late answer, and a withdrawal, are refused
        await api.ScalarAsync($"UPDATE introductions SET respond_by = now() - interval '1 minute' WHERE id = '{thirdId}'");
        await Expect.ProblemAsync(await third.Client.PostAsJsonAsync($"/api/me/introductions/{thirdId}/accept", new { }), 409, "introduction.expired");
        Assert.Equal(IntroductionStatus.Expired, await IntroductionStatusAsync(thirdId));
        await Expect.ProblemAsync(await requester.Client.PostAsync($"/api/referral-requests/{requestId}/introductions/{thirdId}/withdraw", null), 409, "introduction.expired");

        // declined → accepted is refused
        var fourth = await ListedAsync();
        await SendAsync(requester, requestId, fourth);
        var fourthId = (await MineAsync(fourth)).Id;
        await Expect.StatusAsync(await fourth.Client.PostAsJsonAsync($"/api/me/introductions/{fourthId}/decline", new { reason = "fee" }), 200);
        await Expect.ProblemAsync(await fourth.Client.PostAsJsonAsync($"/api/me/introductions/{fourthId}/accept", new { }), 409, "introduction.invalid_transition");

        // Bad answers are 400 and change nothing.
        await Expect.FieldErrorAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/close", new { }), "outcome");
        await Expect.FieldErrorAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/close", new { outcome = "cured" }), "outcome");

        await Expect.StatusAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/close", new { outcome = "didNotProceed" }), 200);
        // closed → withdrawn, closed → closed, closed → sent
        await Expect.ProblemAsync(await requester.Client.PostAsync($"/api/referral-requests/{requestId}/withdraw", null), 409, "referral.invalid_transition");
        await Expect.ProblemAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/close", new { outcome = "unknown" }), 409, "referral.invalid_transition");
        var late = await ListedAsync();
        await Expect.ProblemAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions", new { profileIds = new[] { late.Id } }), 409, "referral.invalid_transition");
    }

    [Fact]
    public async Task Withdrawing_a_request_withdraws_its_open_introductions_and_a_withdrawn_request_takes_no_answers()
    {
        var (requester, requestId) = await RequestAsync();
        var invitee = await ListedAsync();
        await SendAsync(requester, requestId, invitee);
        var introductionId = (await MineAsync(invitee)).Id;
        var withdrawn = await requester.Client.PostAsync<ReferralRequests.ReferralRequestView>($"/api/referral-requests/{requestId}/withdraw", null);
        Assert.Equal(ReferralStatus.Withdrawn, withdrawn.Status);
        Assert.Equal(IntroductionStatus.Withdrawn, (await MineAsync(invitee)).Status);
        await Expect.ProblemAsync(await invitee.Client.PostAsJsonAsync($"/api/me/introductions/{introductionId}/decline", new { reason = "area" }), 409, "introduction.invalid_transition");
        await Expect.ProblemAsync(await requester.Client.PostAsync($"/api/referral-requests/{requestId}/withdraw", null), 409, "referral.invalid_transition");
        // withdrawn → sent is refused
        var late = await ListedAsync();
        await Expect.ProblemAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions", new { profileIds = new[] { late.Id } }), 409, "referral.invalid_transition");

        // A draft (nothing sent yet) can be withdrawn too.
        var (drafter, draftId) = await RequestAsync();
        Assert.Equal(ReferralStatus.Withdrawn, (await drafter.Client.PostAsync<ReferralRequests.ReferralRequestView>($"/api/referral-requests/{draftId}/withdraw", null)).Status);
    }

    [Fact]
    public async Task At_most_five_introductions_wait_at_once_even_when_requests_race()
    {
        var (requester, requestId) = await RequestAsync();
        var invitees = new List<TestMember>();
        for (var i = 0; i < 8; i++) invitees.Add(await ListedAsync());
        await Expect.FieldErrorAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions",
            new { profileIds = invitees.Take(6).Select(i => i.Id) }), "profileIds", "introduction.invalid");
        var unlisted = await api.MemberAsync();
        await Expect.ProblemAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions",
            new { profileIds = new[] { unlisted.Id } }), 422, "introduction.not_listed");

        // Two batches of three at once: one fits, the other would make six.
        await using var secondInstance = api.SecondInstance();
        var second = secondInstance.CreateClient();
        second.DefaultRequestHeaders.Authorization = requester.Client.DefaultRequestHeaders.Authorization;
        var answers = await Task.WhenAll(
            requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions", new { profileIds = invitees.Take(3).Select(i => i.Id) }),
            second.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions", new { profileIds = invitees.Skip(3).Take(3).Select(i => i.Id) }));
        Assert.Equal([201, 409], answers.Select(a => (int)a.StatusCode).Order());
        Assert.Equal(3, await api.DbAsync(db => db.Introductions.CountAsync(i => i.RequestId == requestId)));

        // Two more fit; then a declined one frees a place.
        await SendAsync(requester, requestId, invitees[6], invitees[7]);
        Assert.Equal(5, await api.DbAsync(db => db.Introductions.CountAsync(i => i.RequestId == requestId && i.Status == IntroductionStatus.Sent)));
        var invited = (await SentAsync(requester, requestId)).Select(i => i.ProfileId).ToHashSet();
        var sixth = invitees.Take(6).First(i => !invited.Contains(i.Id));
        await Expect.ProblemAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions", new { profileIds = new[] { sixth.Id } }), 409, "introduction.too_many_open");
        var decliner = invitees[6];
        await Expect.StatusAsync(await decliner.Client.PostAsJsonAsync($"/api/me/introductions/{(await MineAsync(decliner)).Id}/decline", new { reason = "notMySpecialty" }), 200);
        await SendAsync(requester, requestId, sixth);
    }

    [Fact]
    public async Task Overdue_introductions_expire_and_free_text_goes_90_days_after_closing_while_coded_data_stays()
    {
        var (requester, requestId) = await RequestAsync();
        var accepting = await ListedAsync();
        var silent = await ListedAsync();
        await SendAsync(requester, requestId, accepting, silent);
        await Expect.StatusAsync(await accepting.Client.PostAsJsonAsync($"/api/me/introductions/{(await MineAsync(accepting)).Id}/accept", new { }), 200);
        await api.ScalarAsync($"UPDATE introductions SET respond_by = now() - interval '1 minute' WHERE invitee_id = '{silent.Id}'");

        var scopes = api.Services.GetRequiredService<IServiceScopeFactory>();
        var report = await ReferralJobs.RunOnceAsync(scopes, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.True(report.Expired >= 1);
        Assert.Equal(IntroductionStatus.Expired, await api.DbAsync(db => db.Introductions.Where(i => i.InviteeId == silent.Id).Select(i => i.Status).SingleAsync()));

        await Expect.StatusAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/close", new { outcome = "firstSessionBooked" }), 200);
        // 89 days on, nothing goes; 91 days on, the note and both contacts go and the coded need stays.
        Assert.Equal(0, (await ReferralJobs.RunOnceAsync(scopes, DateTimeOffset.UtcNow.AddDays(89), CancellationToken.None)).Forgotten);
        Assert.NotNull((await RequestRowAsync(requestId)).Note);
        Assert.True((await ReferralJobs.RunOnceAsync(scopes, DateTimeOffset.UtcNow.AddDays(91), CancellationToken.None)).Forgotten >= 1);
        var forgotten = await RequestRowAsync(requestId);
        Assert.Null(forgotten.Note);
        Assert.Null(forgotten.RequesterContact);
        Assert.Equal(["trauma-ptsd"], forgotten.Specialties);
        Assert.Equal(ReferralOutcome.FirstSessionBooked, forgotten.Outcome);
        Assert.Equal(0, await api.DbAsync(db => db.Introductions.CountAsync(i => i.RequestId == requestId && i.InviteeContact != null)));
        Assert.Equal(0, (await ReferralJobs.RunOnceAsync(scopes, DateTimeOffset.UtcNow.AddDays(92), CancellationToken.None)).Forgotten);
    }

    [Fact]
    public async Task A_request_left_idle_for_90_days_lapses_so_its_note_is_deleted_90_days_later()
    {
        var (requester, requestId) = await RequestAsync();
        var (waiting, waitingId) = await RequestAsync();
        var invitee = await ListedAsync();
        await SendAsync(waiting, waitingId, invitee);
        var scopes = api.Services.GetRequiredService<IServiceScopeFactory>();

        Assert.Equal(0, (await ReferralJobs.RunOnceAsync(scopes, DateTimeOffset.UtcNow.AddDays(89), CancellationToken.None)).Lapsed);
        Assert.True((await ReferralJobs.RunOnceAsync(scopes, DateTimeOffset.UtcNow.AddDays(91), CancellationToken.None)).Lapsed >= 1);
        Assert.Equal(ReferralStatus.Withdrawn, (await RequestRowAsync(requestId)).Status);
        // The unanswered introduction expired at its deadline (day 3): its request lapses 90 days after that.
        Assert.Equal(ReferralStatus.Sent, (await RequestRowAsync(waitingId)).Status);
        await ReferralJobs.RunOnceAsync(scopes, DateTimeOffset.UtcNow.AddDays(94), CancellationToken.None);
        Assert.Equal(ReferralStatus.Withdrawn, (await RequestRowAsync(waitingId)).Status);
        Assert.Equal(1, await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "referral.lapsed" && a.TargetId == requestId)));
        await ReferralJobs.RunOnceAsync(scopes, DateTimeOffset.UtcNow.AddDays(182), CancellationToken.None);
        Assert.Null((await RequestRowAsync(requestId)).Note);
    }

    [Fact]
    public async Task Matches_leave_out_the_requester_and_everyone_already_invited()
    {
        var (requester, requestId) = await RequestAsync();
        var invited = await ListedAsync();
        var candidate = await ListedAsync();
        await SendAsync(requester, requestId, invited);
        var matches = (await requester.Client.GetAsync<Page<SearchDirectory.Match>>($"/api/referral-requests/{requestId}/matches?limit=50"))
            .Items.Select(i => i.MemberId).ToList();
        Assert.Contains(candidate.Id, matches);
        Assert.DoesNotContain(invited.Id, matches);
        Assert.DoesNotContain(requester.Id, matches);
    }
}
