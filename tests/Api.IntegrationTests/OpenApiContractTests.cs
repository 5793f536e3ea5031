using System.Net.Http.Json;
using System.Text;
using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Assemble.Api.IntegrationTests;

/// <summary>
/// The answers the API really gives, checked against its own OpenAPI document: a member's, an organizer's, an
/// admin's and a referrer's day, errors included. Every answer of every integration test goes through the same
/// check (<see cref="ContractCheck"/>); this test asserts on a known walk so it fails deterministically.
/// </summary>
public sealed class OpenApiContractTests(EventsFactory api, ITestOutputHelper output) : IClassFixture<EventsFactory>
{
    [Fact]
    public async Task Answers_across_the_api_keep_the_openapi_document()
    {
        var anonymous = api.CreateClient();
        // Auth: sign-up (also with a known address), a wrong password, a sign-in, account info.
        var email = api.NewEmail();
        await Expect.StatusAsync(await anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = ApiFactory.Password }), 200);
        await Expect.StatusAsync(await anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = ApiFactory.Password }), 200);
        await Expect.StatusAsync(await anonymous.PostAsJsonAsync("/api/auth/register", new { email = "not-an-address", password = "x" }), 400);
        await Expect.StatusAsync(await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = "wrong-password-here" }), 401);
        await Expect.StatusAsync(await anonymous.PostAsync("/api/auth/login", new StringContent("{", Encoding.UTF8, "application/json")), 400);
        await Expect.StatusAsync(await anonymous.GetAsync($"/api/auth/confirmEmail?userId=nope&code=x"), 400);
        var member = await api.MemberAsync();
        await Expect.StatusAsync(await member.Client.GetAsync("/api/auth/manage/info"), 200);

        // Members: profile, credentials, mail preferences, data.
        await Expect.StatusAsync(await member.Client.GetAsync("/api/me/profile"), 200);
        await Expect.StatusAsync(await member.Client.PutAsJsonAsync("/api/me/profile", new { displayName = "山田 花子", professions = new[] { "clinicalPsychologist" }, prefecture = "osaka" }), 200);
        await Expect.StatusAsync(await member.Client.PutAsJsonAsync("/api/me/profile", new { unknownField = 1 }), 400);
        await Expect.StatusAsync(await anonymous.GetAsync("/api/me/profile"), 401);
        await Expect.StatusAsync(await anonymous.GetAsync($"/api/members/{member.Id}"), 200);
        await Expect.StatusAsync(await anonymous.GetAsync($"/api/members/{Guid.NewGuid()}"), 404);
        await Expect.StatusAsync(await member.Client.GetAsync("/api/members?profession=clinicalPsychologist"), 200);
        await Expect.StatusAsync(await member.Client.GetAsync("/api/members?profession=wizard"), 400);
        var credential = await Expect.JsonAsync(await member.Client.PostAsJsonAsync("/api/me/credentials",
            new { kind = "clinicalPsychologist", registrationNumber = "第12345号", issuer = "日本臨床心理士資格認定協会", expiresOn = "2030-03-31" }), 201);
        await Expect.StatusAsync(await member.Client.GetAsync("/api/me/credentials"), 200);
        await Expect.StatusAsync(await member.Client.GetAsync($"/api/me/credentials/{credential.GetProperty("id").GetString()}"), 200);
        await Expect.StatusAsync(await member.Client.GetAsync("/api/me/mail-preferences"), 200);
        await Expect.StatusAsync(await member.Client.PutAsJsonAsync("/api/me/mail-preferences", new { reminders = false }), 200);
        await Expect.StatusAsync(await member.Client.GetAsync("/api/me/data-export"), 200);
        await Expect.StatusAsync(await member.Client.GetAsync("/api/me/access-log"), 200);

        // Admin: the credential queue, a decision, roles, the audit log, the outbox.
        var admin = await api.AdminAsync();
        await Expect.StatusAsync(await admin.Client.GetAsync("/api/admin/credentials?status=pending"), 200);
        await Expect.StatusAsync(await admin.Client.PostAsync($"/api/admin/credentials/{credential.GetProperty("id").GetString()}/verify", null), 200);
        await Expect.StatusAsync(await member.Client.GetAsync("/api/admin/credentials"), 403);
        await Expect.StatusAsync(await admin.Client.GetAsync("/api/admin/audit-log"), 200);
        await Expect.StatusAsync(await admin.Client.GetAsync("/api/admin/outbox"), 200);
        await Expect.StatusAsync(await admin.Client.GetAsync("/api/admin/vocabularies"), 200);
        await Expect.StatusAsync(await admin.Client.GetAsync("/api/admin/payments/problems"), 200);

        // Events: create, publish, read, list, calendar, attendees.
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 1));
        await Expect.StatusAsync(await organizer.Client.PostAsJsonAsync("/api/events", new { title = "題名だけ" }), 400);
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync("/api/events", EventsFactory.StudySession()), 403);
        await Expect.StatusAsync(await anonymous.GetAsync("/api/events"), 200);
        await Expect.StatusAsync(await anonymous.GetAsync("/api/events?kind=studySession&limit=5"), 200);
        await Expect.StatusAsync(await anonymous.GetAsync($"/api/events/{e.Id}"), 200);
        await Expect.StatusAsync(await anonymous.GetAsync($"/api/events/{e.Id}.ics"), 200);
        await Expect.StatusAsync(await anonymous.GetAsync($"/api/events/{Guid.NewGuid()}"), 404);

        // Registrations: the one seat, sold out, the waitlist, the QR code, a calendar feed.
        var registration = await Expect.JsonAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);
        var registrationId = registration.GetProperty("id").GetString();
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 409);
        var second = await api.MemberAsync();
        await Expect.StatusAsync(await second.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 409);
        await Expect.StatusAsync(await second.Client.PostAsJsonAsync($"/api/events/{e.Id}/waitlist", new { ticketTypeId = e.TicketTypeId }), 201);
        await Expect.StatusAsync(await second.Client.GetAsync($"/api/events/{e.Id}/waitlist"), 200);
        await Expect.StatusAsync(await member.Client.GetAsync($"/api/registrations/{registrationId}"), 200);
        await Expect.StatusAsync(await second.Client.GetAsync($"/api/registrations/{registrationId}"), 404);
        await Expect.StatusAsync(await member.Client.GetAsync($"/api/registrations/{registrationId}/qr"), 200);
        await Expect.StatusAsync(await member.Client.GetAsync("/api/me/registrations"), 200);
        await Expect.StatusAsync(await member.Client.GetAsync($"/api/events/{e.Id}/attendee-info"), 200);
        var feed = await Expect.JsonAsync(await member.Client.PostAsync("/api/me/calendar-feed", null));
        await Expect.StatusAsync(await anonymous.GetAsync(new Uri(feed.GetProperty("url").GetString()!).PathAndQuery), 200);
        await Expect.StatusAsync(await member.Client.DeleteAsync("/api/me/calendar-feed"), 204);
        await Expect.StatusAsync(await organizer.Client.GetAsync($"/api/events/{e.Id}/attendees"), 200);
        await Expect.StatusAsync(await organizer.Client.GetAsync($"/api/events/{e.Id}/attendees.csv"), 200);
        await Expect.StatusAsync(await organizer.Client.GetAsync($"/api/events/{e.Id}/reminder-rules"), 200);
        await Expect.StatusAsync(await organizer.Client.GetAsync($"/api/events/{e.Id}/payments"), 200);
        await Expect.StatusAsync(await organizer.Client.GetAsync($"/api/events/{e.Id}/payments.csv"), 200);
        await Expect.StatusAsync(await member.Client.PostAsync($"/api/registrations/{registrationId}/cancel", null), 200);
        await Expect.StatusAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{e.Id}/cancel", new { reason = "講師の体調不良のため" }), 200);

        // Referrals: a practice profile, the directory, a request and its matches.
        var psychologist = await api.VerifiedAsync("clinicalPsychologist");
        await Expect.StatusAsync(await psychologist.Client.PutAsJsonAsync("/api/me/practice-profile", PracticeProfileTests.Practice()), 200);
        await Expect.StatusAsync(await psychologist.Client.GetAsync("/api/me/practice-profile"), 200);
        await Expect.StatusAsync(await anonymous.GetAsync("/api/vocabularies"), 200);
        var psychiatrist = await api.VerifiedAsync("psychiatrist");
        await Expect.StatusAsync(await psychiatrist.Client.GetAsync("/api/directory?specialty=trauma-ptsd"), 200);
        var need = await Expect.JsonAsync(await psychiatrist.Client.PostAsJsonAsync("/api/referral-requests", new
        {
            wantedProfessions = new[] { "clinicalPsychologist" }, specialties = new[] { "trauma-ptsd" }, ageGroup = "adolescent",
            area = new[] { "osaka" }, urgency = "routine", note = "思春期のトラウマに対するTF-CBTをお願いできる方を探しています。",
        }), 201);
        var needId = need.GetProperty("id").GetString();
        await Expect.StatusAsync(await psychiatrist.Client.GetAsync($"/api/referral-requests/{needId}"), 200);
        await Expect.StatusAsync(await psychiatrist.Client.GetAsync($"/api/referral-requests/{needId}/matches"), 200);
        await Expect.StatusAsync(await psychologist.Client.GetAsync("/api/me/introductions"), 200);

        foreach (var seen in api.Contract.Seen.Keys.Order()) output.WriteLine(seen);
        var violations = api.Contract.Violations.ToList();
        Assert.True(violations.Count == 0, $"{violations.Count} answers break /openapi/v1.json:\n{string.Join("\n", violations.Take(30))}");
        var operations = api.Contract.Seen.Keys.Select(k => k[..k.LastIndexOf(' ')]).Distinct().Count();
        Assert.True(operations >= 50, $"only {operations} operations were checked");
    }
}
