using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Assemble.Api.Features.Privacy;
using Assemble.Api.Features.Email;
using Assemble.Api.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>The members' own rights under APPI: a copy of their data, who read it, closing the account, and answers that do not outlive their use.</summary>
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
        await Expect.ProblemAsync(await anonymous.PostAsJsonAsync("/api/me/account/deletion", new { password = ApiFactory.Password }), 401, "auth.unauthenticated");
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

    [Fact]
    public async Task Deleting_the_account_refunds_withdraws_erases_keeps_the_payment_and_ends_every_sign_in()
    {
        var member = await api.VerifiedAsync("clinicalPsychologist");
        await NameAsync(member, "退会 予定子");
        await Expect.StatusAsync(await member.Client.PutAsJsonAsync("/api/me/practice-profile", PracticeProfileTests.Practice()), 200);
        var ownRequest = (await Expect.JsonAsync(await member.Client.PostAsJsonAsync("/api/referral-requests", Need()), 201)).GetProperty("id").GetString();
        var requester = await api.VerifiedAsync("psychiatrist");
        var theirRequest = (await Expect.JsonAsync(await requester.Client.PostAsJsonAsync("/api/referral-requests", Need()), 201)).GetProperty("id").GetString();
        await Expect.StatusAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{theirRequest}/introductions", new { profileIds = new[] { member.Id } }), 201);
        await Expect.StatusAsync(await member.Client.PostAsync("/api/me/calendar-feed", null), 200);

        // A paid seat in an event two weeks ahead.
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(priceYen: 3000));
        var hold = await Expect.JsonAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 202);
        var registrationId = hold.GetProperty("id").GetString()!;
        var session = hold.GetProperty("checkoutUrl").GetString()!.Split('/')[^1];
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", session, registrationId), 200);
        Assert.True(api.Stripe.MarkPaid(session));
        var refreshToken = (await Expect.JsonAsync(await api.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = member.Email, password = ApiFactory.Password })))
            .GetProperty("refreshToken").GetString();
        var before = DateTimeOffset.UtcNow;

        var deleted = await Expect.JsonAsync(await member.Client.PostAsJsonAsync("/api/me/account/deletion", new { password = ApiFactory.Password }));
        Assert.Equal(1, deleted.GetProperty("registrationsCancelled").GetInt32());
        Assert.Equal(1, deleted.GetProperty("refundsRequested").GetInt32());
        Assert.Equal(1, deleted.GetProperty("referralRequestsWithdrawn").GetInt32());
        Assert.Equal(1, deleted.GetProperty("introductionsWithdrawn").GetInt32());

        // The seat: cancelled, refunded as a member's own cancellation (¥3,000 less the ¥500 fee); the payment stays, under the pseudonym.
        Assert.Equal("Cancelled", await api.ScalarAsync($"SELECT status FROM registrations WHERE id = '{registrationId}'"));
        Assert.Equal("account_deleted", await api.ScalarAsync($"SELECT end_reason FROM registrations WHERE id = '{registrationId}'"));
        Assert.Equal(2500L, await api.CountAsync($"SELECT amount_yen FROM refunds WHERE registration_id = '{registrationId}' AND reason = 'MemberCancelled'"));
        Assert.Equal("Paid", await api.ScalarAsync($"SELECT status FROM payments WHERE registration_id = '{registrationId}' AND member_id = '{member.Id}'"));
        // Referrals: theirs withdrawn with its contact gone; the invitation to them withdrawn.
        Assert.Equal("Withdrawn", await api.ScalarAsync($"SELECT status FROM referral_requests WHERE id = '{ownRequest}'"));
        Assert.Equal(0, await api.CountAsync($"SELECT count(*) FROM referral_requests WHERE requester_id = '{member.Id}' AND (note IS NOT NULL OR requester_contact IS NOT NULL)"));
        Assert.Equal("Withdrawn", await api.ScalarAsync($"SELECT status FROM introductions WHERE request_id = '{theirRequest}' AND invitee_id = '{member.Id}'"));
        // Erased.
        foreach (var table in new[] { "member_profiles WHERE id", "practice_profiles WHERE member_id", "credentials WHERE member_id", "calendar_feeds WHERE member_id", "user_roles WHERE user_id" })
            Assert.Equal(0, await api.CountAsync($"SELECT count(*) FROM {table} = '{member.Id}'"));
        await Expect.StatusAsync(await requester.Client.GetAsync($"/api/members/{member.Id}"), 404);
        // The account: a pseudonym at .invalid, no password, locked for good.
        var email = (string)(await api.ScalarAsync($"SELECT email FROM users WHERE id = '{member.Id}'"))!;
        Assert.Matches("^deleted-[0-9a-f]{32}@invalid$", email);
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM users WHERE id = '{member.Id}' AND user_name = email AND password_hash IS NULL AND deleted_at IS NOT NULL AND lockout_end > now() + interval '100 years'"));
        Assert.Equal(0, await api.CountAsync($"SELECT count(*) FROM users WHERE lower(email) = lower('{member.Email}')"));

        // Signing in fails, and the refresh token no longer works (the security stamp changed).
        await Expect.ProblemAsync(await api.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = member.Email, password = ApiFactory.Password }), 401, "auth.invalid_credentials");
        await Expect.StatusAsync(await api.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken }), 401);
        // The access token the deletion was made with ends too, on its very next request.
        await Expect.ProblemAsync(await member.Client.GetAsync("/api/me/profile"), 401, "auth.session_ended");

        // One audit line; the confirmation goes to the address the member had.
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM audit_log WHERE actor_id = '{member.Id}' AND occurred_at >= '{before:O}'"));
        Assert.Equal("registrations=1;refunds=1;waitlist=0;requests=1;introductions=1",
            await api.ScalarAsync($"SELECT detail FROM audit_log WHERE action = 'member.account_deleted' AND actor_id = '{member.Id}' AND subject_id = '{member.Id}'"));
        var mail = await api.MailAsync(member.Email, m => m.Subject.Contains("アカウントを削除しました"));
        Assert.Contains("お支払いと返金の記録", mail.Text);
        // The refund still goes through; its completion notice has nobody to go to, and nothing is mailed to the pseudonym.
        await api.RunPaymentJobsAsync();
        await Expect.StatusAsync(await api.DeliverRawAsync("charge.refunded", new { id = "ch_" + Guid.NewGuid().ToString("N"), @object = "charge", payment_intent = "pi_" + session[8..], amount_refunded = 2500 }), 200);
        Assert.Equal("Succeeded", await api.ScalarAsync($"SELECT status FROM refunds WHERE registration_id = '{registrationId}'"));
        await Notifier.RunOnceAsync(api.Services.GetRequiredService<IServiceScopeFactory>(), DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM notification_records WHERE subject_id = '{registrationId}' AND type = 'refund.completed' AND processed_at IS NOT NULL"));
        Assert.Equal(0, await api.CountAsync($"SELECT count(*) FROM outbox_emails WHERE \"to\" = '{email}' OR (\"to\" = '{member.Email}' AND created_at > now() - interval '5 minutes' AND subject LIKE '%返金が完了%')"));
    }

    [Fact]
    public async Task A_wrong_or_missing_password_deletes_nothing()
    {
        var member = await api.MemberAsync();
        await NameAsync(member, "残る 太郎");
        var (_, registrationId) = await RegisteredAsync(member, "特になし");

        await Expect.ProblemAsync(await member.Client.PostAsJsonAsync("/api/me/account/deletion", new { password = "not-" + ApiFactory.Password }), 422, "auth.invalid_password");
        await Expect.FieldErrorAsync(await member.Client.PostAsJsonAsync("/api/me/account/deletion", new { }), "password", "auth.password_required");
        await Expect.FieldErrorAsync(await member.Client.PostAsync("/api/me/account/deletion",
            new StringContent("{\"password\":\"x\",\"confirm\":true}", Encoding.UTF8, "application/json")), "confirm", "request.malformed");

        var profile = await Expect.JsonAsync(await member.Client.GetAsync("/api/me/profile"));
        Assert.Equal("残る 太郎", profile.GetProperty("displayName").GetString());
        Assert.Equal(member.Email, profile.GetProperty("email").GetString());
        Assert.Equal("Confirmed", await api.ScalarAsync($"SELECT status FROM registrations WHERE id = '{registrationId}'"));
        Assert.Equal(0, await api.CountAsync($"SELECT count(*) FROM audit_log WHERE action = 'member.account_deleted' AND actor_id = '{member.Id}'"));
        await api.SignInAsync(member.Email);
    }

    [Fact]
    public async Task Answer_retention_deletes_answers_a_year_after_the_event_and_keeps_the_rest()
    {
        var member = await api.MemberAsync();
        var soon = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(14).AddHours(10), TimeSpan.Zero);
        var (_, old) = await RegisteredAsync(member, "古い回答", soon);
        var (_, recent) = await RegisteredAsync(member, "新しい回答", soon.AddDays(30));
        var oldEnds = soon.AddHours(2);
        var scopes = api.Services.GetRequiredService<IServiceScopeFactory>();
        async Task<string> Answers(string id) => (string)(await api.ScalarAsync($"SELECT answers::text FROM registrations WHERE id = '{id}'"))!;

        // A day short of 365 days after the event: nothing goes.
        await AnswerRetention.RunOnceAsync(scopes, oldEnds.AddDays(364), CancellationToken.None);
        Assert.Contains("古い回答", await Answers(old));

        var report = await AnswerRetention.RunOnceAsync(scopes, oldEnds.AddDays(366), CancellationToken.None);
        Assert.True(report.Registrations >= 1);
        Assert.Equal("[]", await Answers(old));
        Assert.Contains("新しい回答", await Answers(recent));
        Assert.Equal("Confirmed", await api.ScalarAsync($"SELECT status FROM registrations WHERE id = '{old}'"));
        Assert.True(await api.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'registrations.answers_deleted'") >= 1);

        // Run again: nothing left to delete.
        Assert.Equal(new AnswerRetention.Report(0, 0), await AnswerRetention.RunOnceAsync(scopes, oldEnds.AddDays(366), CancellationToken.None));
    }
}
