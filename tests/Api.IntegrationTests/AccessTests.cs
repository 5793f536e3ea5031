using System.Net.Http.Json;
using System.Text;
using Assemble.Api.Features.Credentials;
using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>Who may call what: every member route refuses anonymous callers; tokens work across instances.</summary>
public sealed class AccessTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    public static TheoryData<string, string> MemberRoutes => new()
    {
        { "GET", "/api/me/profile" },
        { "PUT", "/api/me/profile" },
        { "GET", "/api/members" },
        { "GET", "/api/me/credentials" },
        { "POST", "/api/me/credentials" },
        { "GET", $"/api/me/credentials/{Guid.NewGuid()}" },
        { "GET", "/api/admin/credentials" },
        { "POST", $"/api/admin/credentials/{Guid.NewGuid()}/verify" },
        { "POST", $"/api/admin/credentials/{Guid.NewGuid()}/reject" },
        { "POST", $"/api/admin/members/{Guid.NewGuid()}/roles" },
        { "GET", "/api/admin/audit-log" },
        { "POST", "/api/auth/manage/2fa" },
        { "GET", "/api/auth/manage/info" },
        { "POST", "/api/events" },
        { "PUT", $"/api/events/{Guid.NewGuid()}" },
        { "POST", $"/api/events/{Guid.NewGuid()}/publish" },
        { "POST", $"/api/events/{Guid.NewGuid()}/cancel" },
        { "GET", $"/api/events/{Guid.NewGuid()}/attendee-info" },
        { "GET", $"/api/events/{Guid.NewGuid()}/attendees" },
        { "GET", $"/api/events/{Guid.NewGuid()}/attendees.csv" },
        { "POST", $"/api/events/{Guid.NewGuid()}/check-ins" },
        { "POST", $"/api/events/{Guid.NewGuid()}/registrations" },
        { "POST", $"/api/events/{Guid.NewGuid()}/waitlist" },
        { "GET", $"/api/events/{Guid.NewGuid()}/waitlist" },
        { "DELETE", $"/api/events/{Guid.NewGuid()}/waitlist" },
        { "GET", "/api/me/registrations" },
        { "GET", $"/api/registrations/{Guid.NewGuid()}" },
        { "POST", $"/api/registrations/{Guid.NewGuid()}/cancel" },
        { "POST", $"/api/registrations/{Guid.NewGuid()}/remove" },
        { "POST", $"/api/registrations/{Guid.NewGuid()}/approve" },
        { "POST", $"/api/registrations/{Guid.NewGuid()}/decline" },
        { "GET", $"/api/registrations/{Guid.NewGuid()}/qr" },
        { "POST", $"/api/waitlist-offers/{Guid.NewGuid()}/accept" },
        { "POST", $"/api/waitlist-offers/{Guid.NewGuid()}/decline" },
        { "POST", "/api/me/calendar-feed" },
        { "DELETE", "/api/me/calendar-feed" },
        { "GET", "/api/me/data-export" },
        { "GET", "/api/me/access-log" },
        { "POST", "/api/me/account/deletion" },
        { "GET", "/api/me/membership" },
        { "POST", "/api/me/membership/checkout" },
        { "GET", "/api/me/receipts" },
        { "GET", $"/api/receipts/{Guid.NewGuid()}" },
        { "GET", $"/api/admin/members/{Guid.NewGuid()}/membership" },
        { "POST", $"/api/admin/members/{Guid.NewGuid()}/membership/payments" },
        { "POST", $"/api/admin/membership/payments/{Guid.NewGuid()}/refunds" },
        { "GET", "/api/admin/memberships" },
        { "GET", "/api/admin/receipts" },
    };

    [Theory]
    [MemberData(nameof(MemberRoutes))]
    public async Task Anonymous_callers_get_401_on_every_member_route(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "PUT" or "POST") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        await Expect.ProblemAsync(await api.CreateClient().SendAsync(request), 401, "auth.unauthenticated");
    }

    [Fact]
    public async Task A_token_issued_by_one_instance_is_accepted_by_another_on_the_same_database()
    {
        await using var second = api.SecondInstance();
        var email = api.NewEmail();
        // Register on one instance, sign in on the other, use the token on both.
        await Expect.StatusAsync(await second.CreateClient().PostAsJsonAsync("/api/auth/register", new { email, password = ApiFactory.Password }), 200);
        var member = await api.SignInAsync(email);
        var onSecond = second.CreateClient();
        onSecond.DefaultRequestHeaders.Authorization = member.Client.DefaultRequestHeaders.Authorization;
        await Expect.StatusAsync(await onSecond.GetAsync("/api/me/profile"), 200);

        var viaSecond = await second.SignInAsync(email);
        var onFirst = api.CreateClient();
        onFirst.DefaultRequestHeaders.Authorization = viaSecond.Client.DefaultRequestHeaders.Authorization;
        await Expect.StatusAsync(await onFirst.GetAsync("/api/me/profile"), 200);
    }

    [Theory]
    [InlineData("{\"email\": \"x@example.jp\"}", "password")]
    [InlineData("{\"email\": 1, \"password\": \"x\"}", "email")]
    [InlineData("{\"email\": \"x@example.jp\", \"password\": \"x\", \"isAdmin\": true}", "isAdmin")]
    public async Task Malformed_sign_in_requests_are_400_with_the_field_named(string json, string field)
        => await Expect.FieldErrorAsync(await api.CreateClient().PostAsync("/api/auth/login", new StringContent(json, Encoding.UTF8, "application/json")), field, "request.malformed");
}

public sealed class LoggingTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Passwords_tokens_registration_numbers_and_addresses_never_reach_the_logs()
    {
        const string password = "himitsu-no-aikotoba-42";
        const string number = "REG-98765-SECRET";
        var email = api.NewEmail("logcheck");
        var client = api.CreateClient();
        await Expect.StatusAsync(await client.PostAsJsonAsync("/api/auth/register", new { email, password }), 200);
        await client.PostAsJsonAsync("/api/auth/login", new { email, password = "wrong-" + password });
        var member = await api.SignInAsync(email, password);
        var token = member.Client.DefaultRequestHeaders.Authorization!.Parameter!;
        var credential = await member.Client.PostAsync<CredentialView>("/api/me/credentials",
            new { kind = "nurse", registrationNumber = number, issuer = "厚生労働省" }, 201);
        var admin = await api.AdminAsync();
        await Expect.StatusAsync(await admin.Client.GetAsync("/api/admin/credentials?status=pending"), 200);
        await Expect.StatusAsync(await admin.Client.PostAsync($"/api/admin/credentials/{credential.Id}/verify", null), 200);
        await member.Client.PostAsync("/api/me/credentials", new StringContent($"{{\"registrationNumber\": \"{number}\", \"kind\": 5}}", Encoding.UTF8, "application/json"));

        Assert.NotEmpty(api.Logs.Lines);
        foreach (var secret in new[] { password, number, token[..40], email })
            Assert.DoesNotContain(api.Logs.Lines, line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
    }
}
