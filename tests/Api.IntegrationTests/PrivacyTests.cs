using System.Net.Http.Json;
using System.Text.Json;
using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>The members' own rights under APPI: a copy of their data and who read it.</summary>
public sealed class PrivacyTests(PaymentsFactory api) : IClassFixture<PaymentsFactory>
{
    private static object Need() => new
    {
        wantedProfessions = new[] { "clinicalPsychologist" },
        specialties = new[] { "trauma-ptsd" },
        ageGroup = "adolescent",
        area = new[] { "osaka" },
        urgency = "routine",
        note = "思春期のトラウマに対するTF-CBTをお願いできる方を探しています。",
    };

    private static async Task NameAsync(TestMember member, string displayName)
        => await Expect.StatusAsync(await member.Client.PutAsJsonAsync("/api/me/profile", new { displayName, organisation = "こころの相談室" }), 200);

    /// <summary>An event with one text question two weeks ahead (or starting when told), and the member registered with this answer.</summary>
    private async Task<(EventsFactory.CreatedEvent Event, string RegistrationId)> RegisteredAsync(TestMember member, string answer, DateTimeOffset? startsAt = null)
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession();
        var question = Guid.NewGuid();
        body["questions"] = new object[] { new { id = question, text = "配慮が必要なことはありますか", kind = "text", required = true } };
        if (startsAt is { } start)
        {
            body["startsAt"] = start;
            body["endsAt"] = start.AddHours(2);
        }
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var registration = await Expect.JsonAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations",
            new { ticketTypeId = e.TicketTypeId, answers = new[] { new { questionId = question, text = answer } } }), 201);
        return (e, registration.GetProperty("id").GetString()!);
    }

    private static async Task<(JsonElement Document, string Raw)> ExportAsync(TestMember member, string query = "")
    {
        var response = await member.Client.GetAsync("/api/me/data-export" + query);
        await Expect.StatusAsync(response, 200);
        var raw = await response.Content.ReadAsStringAsync();
        return (JsonDocument.Parse(raw).RootElement, raw);
    }

    private static async Task<List<JsonElement>> AccessLogAsync(TestMember member, string query = "")
        => (await Expect.JsonAsync(await member.Client.GetAsync("/api/me/access-log" + query))).GetProperty("items").EnumerateArray().ToList();

    [Fact]
    public async Task The_export_is_a_download_of_the_members_own_data_and_nothing_of_another_members()
    {
        var member = await api.MemberAsync();
        var other = await api.MemberAsync();
        await NameAsync(member, "山田 花子");
        await NameAsync(other, "佐藤 次郎");
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync("/api/me/credentials", new { kind = "nurse", registrationNumber = "N-123456", issuer = "厚生労働省" }), 201);
        var (e, registrationId) = await RegisteredAsync(member, "車椅子で参加します");
        await Expect.StatusAsync(await other.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new
        {
            ticketTypeId = e.TicketTypeId,
            answers = new[] { new { questionId = e.View.GetProperty("questions")[0].GetProperty("id").GetString(), text = "他人の秘密の回答" } },
        }), 201);
        await Expect.StatusAsync(await member.Client.PutAsJsonAsync("/api/me/mail-preferences", new { reminders = false }), 200);
        await Expect.StatusAsync(await member.Client.PostAsync("/api/me/calendar-feed", null), 200);
        await api.MailAsync(member.Email);

        var response = await member.Client.GetAsync("/api/me/data-export");
        await Expect.StatusAsync(response, 200);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("assemble-data-export.json", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var raw = await response.Content.ReadAsStringAsync();
        var export = JsonDocument.Parse(raw).RootElement;

        Assert.Equal(member.Id.ToString(), export.GetProperty("account").GetProperty("id").GetString());
        Assert.Equal(member.Email, export.GetProperty("account").GetProperty("email").GetString());
        Assert.True(export.GetProperty("account").GetProperty("emailConfirmed").GetBoolean());
        Assert.Equal("山田 花子", export.GetProperty("profile").GetProperty("displayName").GetString());
        Assert.Equal("N-123456", export.GetProperty("credentials").EnumerateArray().Single().GetProperty("registrationNumber").GetString());
        var registration = export.GetProperty("registrations").EnumerateArray().Single();
        Assert.Equal(registrationId, registration.GetProperty("id").GetString());
        Assert.Equal("車椅子で参加します", registration.GetProperty("answers")[0].GetProperty("text").GetString());
        Assert.Contains(export.GetProperty("mail").EnumerateArray(), m => m.GetProperty("subject").GetString()!.Contains(e.View.GetProperty("title").GetString()!));
        Assert.False(export.GetProperty("mailPreferences").GetProperty("reminders").GetBoolean());
        Assert.True(export.GetProperty("calendarFeed").TryGetProperty("createdAt", out _));
        Assert.Contains(export.GetProperty("auditLog").EnumerateArray(), l => l.GetProperty("action").GetString() == "credential.submitted");
        Assert.NotEmpty(export.GetProperty("notes").EnumerateArray());

        foreach (var theirs in new[] { other.Email, other.Id.ToString(), "佐藤 次郎", "他人の秘密の回答" })
            Assert.DoesNotContain(theirs, raw, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM audit_log WHERE action = 'member.data_exported' AND actor_id = '{member.Id}' AND subject_id = '{member.Id}'"));
    }

    [Fact]
    public async Task The_routes_only_ever_serve_the_caller_whatever_member_a_request_names()
    {
        var member = await api.MemberAsync();
        var stranger = await api.MemberAsync();
        await NameAsync(member, "鈴木 一郎");
        var admin = await api.AdminAsync();
        await Expect.StatusAsync(await admin.Client.GetAsync($"/api/members/{member.Id}"), 200);
        Assert.Single(await AccessLogAsync(member), l => l.GetProperty("action").GetString() == "profile.read");

        // No route takes a member: naming one in the query changes nothing, and a path with one does not exist.
        var named = $"?memberId={member.Id}&id={member.Id}&subjectId={member.Id}";
        var (export, raw) = await ExportAsync(stranger, named);
        Assert.Equal(stranger.Id.ToString(), export.GetProperty("account").GetProperty("id").GetString());
        Assert.DoesNotContain(member.Email, raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("鈴木 一郎", raw);
        Assert.Empty(await AccessLogAsync(stranger, named));
        await Expect.StatusAsync(await stranger.Client.GetAsync($"/api/me/data-export/{member.Id}"), 404);
        await Expect.StatusAsync(await stranger.Client.GetAsync($"/api/me/access-log/{member.Id}"), 404);
        await Expect.StatusAsync(await stranger.Client.GetAsync($"/api/members/{member.Id}/data-export"), 404);

        var anonymous = api.CreateClient();
        await Expect.ProblemAsync(await anonymous.GetAsync("/api/me/data-export" + named), 401, "auth.unauthenticated");
        await Expect.ProblemAsync(await anonymous.GetAsync("/api/me/access-log" + named), 401, "auth.unauthenticated");
    }

    [Fact]
    public async Task The_access_log_shows_an_admins_credential_read_by_role_and_name_never_by_address()
    {
        var member = await api.MemberAsync();
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync("/api/me/credentials", new { kind = "certifiedSocialWorker", registrationNumber = "SW-777", issuer = "社会福祉振興・試験センター" }), 201);
        var admin = await api.AdminAsync();
        await NameAsync(admin, "事務局 田中");
        await Expect.StatusAsync(await admin.Client.GetAsync("/api/admin/credentials?status=pending&limit=100"), 200);
        await Expect.StatusAsync(await admin.Client.GetAsync($"/api/members/{member.Id}"), 404); // no profile yet: nothing was read

        var response = await member.Client.GetAsync("/api/me/access-log");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var raw = await response.Content.ReadAsStringAsync();
        var read = Assert.Single(JsonDocument.Parse(raw).RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal("credential.read", read.GetProperty("action").GetString());
        Assert.Equal("admin", read.GetProperty("actor").GetProperty("role").GetString());
        Assert.Equal("事務局 田中", read.GetProperty("actor").GetProperty("displayName").GetString());
        Assert.DoesNotContain(admin.Email, raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(admin.Id.ToString(), raw);

        // Newest first, a page at a time.
        await Expect.StatusAsync(await admin.Client.GetAsync("/api/admin/credentials?status=pending&limit=100"), 200);
        var first = await Expect.JsonAsync(await member.Client.GetAsync("/api/me/access-log?limit=1"));
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await Expect.JsonAsync(await member.Client.GetAsync($"/api/me/access-log?limit=1&cursor={cursor}"));
        Assert.True(first.GetProperty("items")[0].GetProperty("occurredAt").GetDateTimeOffset() >= second.GetProperty("items")[0].GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal(read.GetProperty("id").GetString(), second.GetProperty("items")[0].GetProperty("id").GetString());
        await Expect.ProblemAsync(await member.Client.GetAsync("/api/me/access-log?cursor=not-ours"), 400, "request.invalid_cursor");
    }

    [Fact]
    public async Task The_access_log_shows_who_read_a_referral_request_and_whose_contact_was_revealed()
    {
        var requester = await api.VerifiedAsync("psychiatrist");
        var invitee = await api.VerifiedAsync("clinicalPsychologist");
        await NameAsync(invitee, "心理士 木村");
        await Expect.StatusAsync(await invitee.Client.PutAsJsonAsync("/api/me/practice-profile", PracticeProfileTests.Practice()), 200);
        var request = await Expect.JsonAsync(await requester.Client.PostAsJsonAsync("/api/referral-requests", Need()), 201);
        var requestId = request.GetProperty("id").GetString();
        await Expect.StatusAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions",
            new { profileIds = new[] { invitee.Id }, contact = new { kind = "phone", value = "06-6123-4567" } }), 201);
        var introduction = (await Expect.JsonAsync(await invitee.Client.GetAsync("/api/me/introductions")))[0].GetProperty("id").GetString();
        await Expect.StatusAsync(await invitee.Client.PostAsJsonAsync($"/api/me/introductions/{introduction}/accept",
            new { contact = new { kind = "email", value = "office@counselling.example.jp" } }), 200);
        await Expect.StatusAsync(await requester.Client.GetAsync($"/api/referral-requests/{requestId}/introductions"), 200);

        var requesterLog = await AccessLogAsync(requester);
        Assert.Contains(requesterLog, l => l.GetProperty("action").GetString() == "referral.read" && l.GetProperty("detail").GetString() == "invitee");
        var revealed = Assert.Single(requesterLog, l => l.GetProperty("action").GetString() == "referral.contact_revealed");
        Assert.Equal("member", revealed.GetProperty("actor").GetProperty("role").GetString());
        Assert.Equal("心理士 木村", revealed.GetProperty("actor").GetProperty("displayName").GetString());
        // The requester's own reads are not "someone else's access".
        Assert.DoesNotContain(requesterLog, l => l.GetProperty("actor").GetProperty("role").GetString() == "you");

        var inviteeLog = await AccessLogAsync(invitee);
        Assert.Contains(inviteeLog, l => l.GetProperty("action").GetString() == "referral.contact_revealed" && l.GetProperty("detail").GetString() == "invitee_contact");
        Assert.Contains(inviteeLog, l => l.GetProperty("action").GetString() == "credential.verified" && l.GetProperty("actor").GetProperty("role").GetString() == "admin");
    }
}
