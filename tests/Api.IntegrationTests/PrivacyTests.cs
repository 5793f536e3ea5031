using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Assemble.Api.Common;
using Assemble.Api.Features.Members;
using Assemble.Api.Features.Privacy;
using Assemble.Api.Features.Email;
using Assemble.Api.Features.Referrals;
using Assemble.Api.Features.Registrations;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Assemble.Domain.Referrals;
using Microsoft.EntityFrameworkCore;
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
    private async Task<(EventsFactory.CreatedEvent Event, Guid RegistrationId)> RegisteredAsync(TestMember member, string answer, DateTimeOffset? startsAt = null)
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
        var registration = await member.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations",
            new { ticketTypeId = e.TicketTypeId, answers = new[] { new { questionId = question, text = answer } } }, 201);
        return (e, registration.Id);
    }

    /// <summary>The export, typed, and its raw text (to prove what it does not contain).</summary>
    private static async Task<(ExportMyData.Document Document, string Raw)> ExportAsync(TestMember member, string query = "")
    {
        var response = await member.Client.GetAsync("/api/me/data-export" + query);
        await Expect.StatusAsync(response, 200);
        var raw = await response.Content.ReadAsStringAsync();
        return (JsonSerializer.Deserialize<ExportMyData.Document>(raw, ApiJson.Options)!, raw);
    }

    private static async Task<IReadOnlyList<ListMyAccessLog.Item>> AccessLogAsync(TestMember member, string query = "")
        => (await member.Client.GetAsync<Page<ListMyAccessLog.Item>>("/api/me/access-log" + query)).Items;

    private Task<Registration> RegistrationAsync(Guid id) => api.DbAsync(db => db.Registrations.SingleAsync(r => r.Id == id));

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
            answers = new[] { new { questionId = e.View.Questions[0].Id, text = "他人の秘密の回答" } },
        }), 201);
        await Expect.StatusAsync(await member.Client.PutAsJsonAsync("/api/me/mail-preferences", new { reminders = false }), 200);
        await Expect.StatusAsync(await member.Client.PostAsync("/api/me/calendar-feed", null), 200);
        await api.MailAsync(member.Email);
        var admin = await api.AdminAsync();
        var plan = "export-" + Guid.NewGuid().ToString("N")[..6];
        await Expect.StatusAsync(await admin.Client.PutAsJsonAsync($"/api/admin/membership/plans/{plan}",
            new { name = "一般会員", priceYen = 5_000, professions = Array.Empty<string>(), validity = "twelveMonths", tax = "outOfScope", offered = true }), 201);
        foreach (var payer in new[] { member, other })
            await Expect.StatusAsync(await admin.Client.PostAsJsonAsync($"/api/admin/members/{payer.Id}/membership/payments",
                new { planCode = plan, paidOn = Assemble.Domain.Memberships.MembershipPayment.DayInJapan(DateTimeOffset.UtcNow), amountYen = 5_000 }), 201);

        var response = await member.Client.GetAsync("/api/me/data-export");
        await Expect.StatusAsync(response, 200);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("assemble-data-export.json", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var raw = await response.Content.ReadAsStringAsync();
        var export = JsonSerializer.Deserialize<ExportMyData.Document>(raw, ApiJson.Options)!;

        Assert.Equal(member.Id, export.Account.Id);
        Assert.Equal(member.Email, export.Account.Email);
        Assert.True(export.Account.EmailConfirmed);
        Assert.Equal("山田 花子", export.Profile.DisplayName);
        Assert.Equal("N-123456", Assert.Single(export.Credentials).RegistrationNumber);
        var registration = Assert.Single(export.Registrations);
        Assert.Equal(registrationId, registration.Id);
        Assert.Equal("車椅子で参加します", registration.Answers[0].Text);
        Assert.Contains(export.Mail, m => m.Subject.Contains(e.View.Title));
        Assert.False(export.MailPreferences.Reminders);
        Assert.NotNull(export.CalendarFeed);
        Assert.Contains(export.AuditLog, l => l.Action == "credential.submitted");
        Assert.Equal(5_000, Assert.Single(export.MembershipPayments).AmountYen);
        Assert.Equal(5_000, Assert.Single(export.Receipts).TotalYen);
        Assert.NotEmpty(export.Notes);

        foreach (var theirs in new[] { other.Email, other.Id.ToString(), "佐藤 次郎", "他人の秘密の回答" })
            Assert.DoesNotContain(theirs, raw, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "member.data_exported" && a.ActorId == member.Id && a.SubjectId == member.Id)));
    }

    [Fact]
    public async Task The_routes_only_ever_serve_the_caller_whatever_member_a_request_names()
    {
        var member = await api.MemberAsync();
        var stranger = await api.MemberAsync();
        await NameAsync(member, "鈴木 一郎");
        var admin = await api.AdminAsync();
        await Expect.StatusAsync(await admin.Client.GetAsync($"/api/members/{member.Id}"), 200);
        Assert.Single(await AccessLogAsync(member), l => l.Action == "profile.read");

        // No route takes a member: naming one in the query changes nothing, and a path with one does not exist.
        var named = $"?memberId={member.Id}&id={member.Id}&subjectId={member.Id}";
        var (export, raw) = await ExportAsync(stranger, named);
        Assert.Equal(stranger.Id, export.Account.Id);
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
        var read = Assert.Single(JsonSerializer.Deserialize<Page<ListMyAccessLog.Item>>(raw, ApiJson.Options)!.Items);
        Assert.Equal("credential.read", read.Action);
        Assert.Equal("admin", read.Actor.Role);
        Assert.Equal("事務局 田中", read.Actor.DisplayName);
        Assert.DoesNotContain(admin.Email, raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(admin.Id.ToString(), raw);

        // Newest first, a page at a time.
        await Expect.StatusAsync(await admin.Client.GetAsync("/api/admin/credentials?status=pending&limit=100"), 200);
        var first = await member.Client.GetAsync<Page<ListMyAccessLog.Item>>("/api/me/access-log?limit=1");
        var second = await member.Client.GetAsync<Page<ListMyAccessLog.Item>>($"/api/me/access-log?limit=1&cursor={first.NextCursor}");
        Assert.True(first.Items[0].OccurredAt >= second.Items[0].OccurredAt);
        Assert.Equal(read.Id, second.Items[0].Id);
        await Expect.ProblemAsync(await member.Client.GetAsync("/api/me/access-log?cursor=not-ours"), 400, "request.invalid_cursor");
    }

    [Fact]
    public async Task The_access_log_shows_who_read_a_referral_request_and_whose_contact_was_revealed()
    {
        var requester = await api.VerifiedAsync("psychiatrist");
        var invitee = await api.VerifiedAsync("clinicalPsychologist");
        await NameAsync(invitee, "心理士 木村");
        await Expect.StatusAsync(await invitee.Client.PutAsJsonAsync("/api/me/practice-profile", PracticeProfileTests.Practice()), 200);
        var requestId = (await requester.Client.PostAsync<ReferralRequests.ReferralRequestView>("/api/referral-requests", Need(), 201)).Id;
        await Expect.StatusAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions",
            new { profileIds = new[] { invitee.Id }, contact = new { kind = "phone", value = "06-6123-4567" } }), 201);
        var introduction = (await invitee.Client.GetAsync<List<Introductions.ReceivedIntroductionView>>("/api/me/introductions"))[0].Id;
        await Expect.StatusAsync(await invitee.Client.PostAsJsonAsync($"/api/me/introductions/{introduction}/accept",
            new { contact = new { kind = "email", value = "office@counselling.example.jp" } }), 200);
        await Expect.StatusAsync(await requester.Client.GetAsync($"/api/referral-requests/{requestId}/introductions"), 200);

        var requesterLog = await AccessLogAsync(requester);
        Assert.Contains(requesterLog, l => l.Action == "referral.read" && l.Detail == "invitee");
        var revealed = Assert.Single(requesterLog, l => l.Action == "referral.contact_revealed");
        Assert.Equal("member", revealed.Actor.Role);
        Assert.Equal("心理士 木村", revealed.Actor.DisplayName);
        // The requester's own reads are not "someone else's access".
        Assert.DoesNotContain(requesterLog, l => l.Actor.Role == "you");

        var inviteeLog = await AccessLogAsync(invitee);
        Assert.Contains(inviteeLog, l => l.Action == "referral.contact_revealed" && l.Detail == "invitee_contact");
        Assert.Contains(inviteeLog, l => l.Action == "credential.verified" && l.Actor.Role == "admin");
    }

    [Fact]
    public async Task Deleting_the_account_refunds_withdraws_erases_keeps_the_payment_and_ends_every_sign_in()
    {
        var member = await api.VerifiedAsync("clinicalPsychologist");
        await NameAsync(member, "退会 予定子");
        await Expect.StatusAsync(await member.Client.PutAsJsonAsync("/api/me/practice-profile", PracticeProfileTests.Practice()), 200);
        var ownRequest = (await member.Client.PostAsync<ReferralRequests.ReferralRequestView>("/api/referral-requests", Need(), 201)).Id;
        var requester = await api.VerifiedAsync("psychiatrist");
        var theirRequest = (await requester.Client.PostAsync<ReferralRequests.ReferralRequestView>("/api/referral-requests", Need(), 201)).Id;
        await Expect.StatusAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{theirRequest}/introductions", new { profileIds = new[] { member.Id } }), 201);
        await Expect.StatusAsync(await member.Client.PostAsync("/api/me/calendar-feed", null), 200);

        // A paid seat in an event two weeks ahead.
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(priceYen: 3000));
        var hold = await member.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, 202);
        var registrationId = hold.Id;
        var session = hold.CheckoutUrl!.Split('/')[^1];
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", session, registrationId.ToString()), 200);
        Assert.True(api.Stripe.MarkPaid(session));
        var refreshToken = (await api.CreateClient().PostAsync<AccessTokenResponse>("/api/auth/login", new { email = member.Email, password = ApiFactory.Password })).RefreshToken;
        var before = DateTimeOffset.UtcNow;

        var deleted = await member.Client.PostAsync<DeleteMyAccount.Response>("/api/me/account/deletion", new { password = ApiFactory.Password });
        Assert.Equal(1, deleted.RegistrationsCancelled);
        Assert.Equal(1, deleted.RefundsRequested);
        Assert.Equal(1, deleted.ReferralRequestsWithdrawn);
        Assert.Equal(1, deleted.IntroductionsWithdrawn);

        // The seat: cancelled, refunded as a member's own cancellation (¥3,000 less the ¥500 fee); the payment stays, under the pseudonym.
        var cancelled = await RegistrationAsync(registrationId);
        Assert.Equal(RegistrationStatus.Cancelled, cancelled.Status);
        Assert.Equal("account_deleted", cancelled.EndReason);
        var refund = await api.DbAsync(db => db.Refunds.SingleAsync(r => r.RegistrationId == registrationId));
        Assert.Equal((RefundReason.MemberCancelled, 2500), (refund.Reason, refund.AmountYen));
        Assert.Equal(PaymentStatus.Paid, await api.DbAsync(db => db.Payments.Where(p => p.RegistrationId == registrationId && p.MemberId == member.Id).Select(p => p.Status).SingleAsync()));
        // Referrals: theirs withdrawn with its contact gone; the invitation to them withdrawn.
        Assert.Equal(ReferralStatus.Withdrawn, await api.DbAsync(db => db.ReferralRequests.Where(r => r.Id == ownRequest).Select(r => r.Status).SingleAsync()));
        Assert.Equal(0, await api.DbAsync(db => db.ReferralRequests.CountAsync(r => r.RequesterId == member.Id && (r.Note != null || r.RequesterContact != null))));
        Assert.Equal(IntroductionStatus.Withdrawn, await api.DbAsync(db => db.Introductions.Where(i => i.RequestId == theirRequest && i.InviteeId == member.Id).Select(i => i.Status).SingleAsync()));
        // Erased.
        Assert.Equal((0, 0, 0, 0, 0), await api.DbAsync(async db => (
            await db.MemberProfiles.CountAsync(p => p.Id == member.Id), await db.PracticeProfiles.CountAsync(p => p.MemberId == member.Id),
            await db.Credentials.CountAsync(c => c.MemberId == member.Id), await db.CalendarFeeds.CountAsync(f => f.MemberId == member.Id),
            await db.UserRoles.CountAsync(r => r.UserId == member.Id))));
        await Expect.StatusAsync(await requester.Client.GetAsync($"/api/members/{member.Id}"), 404);
        // The account: a pseudonym at .invalid, no password, locked for good.
        var account = await api.DbAsync(db => db.Users.SingleAsync(u => u.Id == member.Id));
        var email = account.Email!;
        Assert.Matches("^deleted-[0-9a-f]{32}@invalid$", email);
        Assert.Equal(email, account.UserName);
        Assert.Null(account.PasswordHash);
        Assert.NotNull(account.DeletedAt);
        Assert.True(account.LockoutEnd > DateTimeOffset.UtcNow.AddYears(100));
        Assert.Equal(0, await api.DbAsync(db => db.Users.CountAsync(u => u.Email!.ToLower() == member.Email.ToLower())));

        // Signing in fails, and the refresh token no longer works (the security stamp changed).
        await Expect.ProblemAsync(await api.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = member.Email, password = ApiFactory.Password }), 401, "auth.invalid_credentials");
        await Expect.StatusAsync(await api.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken }), 401);
        // The access token the deletion was made with ends too, on its very next request.
        await Expect.ProblemAsync(await member.Client.GetAsync("/api/me/profile"), 401, "auth.session_ended");

        // One audit line; the confirmation goes to the address the member had.
        Assert.Equal(1, await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.ActorId == member.Id && a.OccurredAt >= before)));
        Assert.Equal("registrations=1;refunds=1;waitlist=0;requests=1;introductions=1", await api.DbAsync(db => db.AuditEntries
            .Where(a => a.Action == "member.account_deleted" && a.ActorId == member.Id && a.SubjectId == member.Id).Select(a => a.Detail).SingleAsync()));
        var mail = await api.MailAsync(member.Email, m => m.Subject.Contains("アカウントを削除しました"));
        Assert.Contains("お支払いと返金の記録", mail.Text);
        // The refund still goes through; its completion notice has nobody to go to, and nothing is mailed to the pseudonym.
        await api.RunPaymentJobsAsync();
        await Expect.StatusAsync(await api.DeliverRawAsync("charge.refunded", new { id = "ch_" + Guid.NewGuid().ToString("N"), @object = "charge", payment_intent = "pi_" + session[8..], amount_refunded = 2500 }), 200);
        Assert.Equal(RefundStatus.Succeeded, await api.DbAsync(db => db.Refunds.Where(r => r.RegistrationId == registrationId).Select(r => r.Status).SingleAsync()));
        await Notifier.RunOnceAsync(api.Services.GetRequiredService<IServiceScopeFactory>(), DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM notification_records WHERE subject_id = '{registrationId}' AND type = 'refund.completed' AND processed_at IS NOT NULL"));
        var fiveMinutesAgo = DateTimeOffset.UtcNow.AddMinutes(-5);
        Assert.Equal(0, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == email || (m.To == member.Email && m.CreatedAt > fiveMinutesAgo && m.Subject.Contains("返金が完了")))));
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

        var profile = await member.Client.GetAsync<GetMyProfile.Response>("/api/me/profile");
        Assert.Equal("残る 太郎", profile.DisplayName);
        Assert.Equal(member.Email, profile.Email);
        Assert.Equal(RegistrationStatus.Confirmed, (await RegistrationAsync(registrationId)).Status);
        Assert.Equal(0, await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "member.account_deleted" && a.ActorId == member.Id)));
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
        async Task<List<string>> Answers(Guid id) => (await RegistrationAsync(id)).Answers.Select(a => a.Text ?? "").ToList();

        // A day short of 365 days after the event: nothing goes.
        await AnswerRetention.RunOnceAsync(scopes, oldEnds.AddDays(364), CancellationToken.None);
        Assert.Equal(new[] { "古い回答" }, await Answers(old));

        var report = await AnswerRetention.RunOnceAsync(scopes, oldEnds.AddDays(366), CancellationToken.None);
        Assert.True(report.Registrations >= 1);
        Assert.Empty(await Answers(old));
        Assert.Equal(new[] { "新しい回答" }, await Answers(recent));
        Assert.Equal(RegistrationStatus.Confirmed, (await RegistrationAsync(old)).Status);
        Assert.True(await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "registrations.answers_deleted")) >= 1);

        // Run again: nothing left to delete.
        Assert.Equal(new AnswerRetention.Report(0, 0), await AnswerRetention.RunOnceAsync(scopes, oldEnds.AddDays(366), CancellationToken.None));
    }
}
