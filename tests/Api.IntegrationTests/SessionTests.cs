using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Assemble.Api.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>Sessions end when the account's security stamp changes, on their next request, bearer and cookie alike.</summary>
public sealed class SessionTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    private async Task<(HttpClient Client, AccessTokenResponse Tokens)> SignInAsync(string email, string password = ApiFactory.Password)
    {
        var client = api.CreateClient();
        var tokens = await client.PostAsync<AccessTokenResponse>("/api/auth/login", new { email, password });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        return (client, tokens);
    }

    private Task<HttpResponseMessage> RefreshAsync(AccessTokenResponse tokens)
        => api.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = tokens.RefreshToken });

    [Fact]
    public async Task A_password_change_ends_every_older_session_at_once()
    {
        var member = await api.SignUpAsync();
        var (other, otherTokens) = await SignInAsync(member.Email);
        await Expect.StatusAsync(await other.GetAsync("/api/me/profile"), 200);
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync("/api/auth/manage/info", new { oldPassword = ApiFactory.Password, newPassword = "あたらしい ぱすわーど 2026" }), 200);

        await Expect.ProblemAsync(await other.GetAsync("/api/me/profile"), 401, "auth.session_ended");
        await Expect.StatusAsync(await member.Client.GetAsync("/api/me/profile"), 401);
        // On a public route too: the token is refused, not quietly ignored.
        await Expect.ProblemAsync(await other.GetAsync("/api/events"), 401, "auth.session_ended");
        await Expect.StatusAsync(await RefreshAsync(otherTokens), 401);
        var (fresh, _) = await SignInAsync(member.Email, "あたらしい ぱすわーど 2026");
        await Expect.StatusAsync(await fresh.GetAsync("/api/me/profile"), 200);
    }

    [Fact]
    public async Task A_password_reset_ends_the_old_sessions()
    {
        var member = await api.SignUpAsync();
        var client = api.CreateClient();
        var confirm = await api.MailAsync(member.Email);
        await client.GetAsync(new Uri(Mailbox.Link(confirm, "/api/auth/confirmEmail")).PathAndQuery);
        await Expect.StatusAsync(await client.PostAsJsonAsync("/api/auth/forgotPassword", new { email = member.Email }), 200);
        var mail = await api.MailAsync(member.Email, m => m.Subject.Contains("パスワード"));
        var code = mail.Text.Split('\n').Select(l => l.Trim()).First(l => l.Length > 20 && !l.Contains(' '));
        await Expect.StatusAsync(await client.PostAsJsonAsync("/api/auth/resetPassword", new { email = member.Email, resetCode = code, newPassword = "べつの ぱすわーど 2026" }), 200);
        await Expect.StatusAsync(await member.Client.GetAsync("/api/me/profile"), 401);
    }

    [Fact]
    public async Task Logout_ends_the_session_its_refresh_token_and_the_cookie()
    {
        var member = await api.SignUpAsync();
        var (client, tokens) = await SignInAsync(member.Email);
        await Expect.StatusAsync(await api.CreateClient().PostAsync("/api/auth/logout", null), 401);
        await Expect.StatusAsync(await client.PostAsync("/api/auth/logout", null), 204);
        await Expect.StatusAsync(await client.GetAsync("/api/me/profile"), 401);
        await Expect.StatusAsync(await RefreshAsync(tokens), 401);

        var browser = api.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        await Expect.StatusAsync(await browser.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email = member.Email, password = ApiFactory.Password }), 200);
        var cookie = await browser.PostAsync("/api/auth/logout", null);
        await Expect.StatusAsync(cookie, 204);
        Assert.Contains(cookie.Headers.GetValues("Set-Cookie"), c => c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
        await Expect.StatusAsync(await browser.GetAsync("/api/me/profile"), 401);
    }

    [Fact]
    public async Task An_old_cookie_replayed_after_a_password_change_is_refused()
    {
        var member = await api.SignUpAsync();
        var browser = api.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var login = await browser.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email = member.Email, password = ApiFactory.Password });
        var cookie = login.Headers.GetValues("Set-Cookie").First().Split(';')[0];
        browser.DefaultRequestHeaders.Add("Cookie", cookie);
        await Expect.StatusAsync(await browser.GetAsync("/api/me/profile"), 200);
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync("/api/auth/manage/info", new { oldPassword = ApiFactory.Password, newPassword = "まったく べつの ことば 2026" }), 200);
        await Expect.StatusAsync(await browser.GetAsync("/api/me/profile"), 401);
    }

    [Fact]
    public async Task An_admin_disabling_an_account_ends_its_sessions_and_sign_in()
    {
        var admin = await api.AdminAsync();
        var member = await api.SignUpAsync();
        await Expect.StatusAsync(await member.Client.PostAsync($"/api/admin/members/{member.Id}/disable", null), 403);
        await Expect.ProblemAsync(await admin.Client.PostAsync($"/api/admin/members/{admin.Id}/disable", null), 422, "member.cannot_disable_self");
        await Expect.ProblemAsync(await admin.Client.PostAsync($"/api/admin/members/{Guid.NewGuid()}/disable", null), 404, "member.not_found");
        await Expect.StatusAsync(await admin.Client.PostAsync($"/api/admin/members/{member.Id}/disable", null), 200);
        await Expect.StatusAsync(await member.Client.GetAsync("/api/me/profile"), 401);
        await Expect.ProblemAsync(await api.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = member.Email, password = ApiFactory.Password }), 401, "auth.invalid_credentials");
        Assert.Equal(1, await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "member.disabled" && a.TargetId == member.Id)));

        await Expect.StatusAsync(await admin.Client.PostAsync($"/api/admin/members/{member.Id}/enable", null), 200);
        var (again, _) = await SignInAsync(member.Email);
        await Expect.StatusAsync(await again.GetAsync("/api/me/profile"), 200);
    }

    [Fact]
    public async Task Removing_a_role_ends_the_sessions_opened_with_it_and_granting_one_does_not()
    {
        var admin = await api.AdminAsync();
        var member = await api.MemberAsync();
        await Expect.StatusAsync(await admin.Client.PostAsJsonAsync($"/api/admin/members/{member.Id}/roles", new { roles = new[] { "organizer" } }), 200);
        await Expect.StatusAsync(await member.Client.GetAsync("/api/me/profile"), 200);
        await Expect.StatusAsync(await admin.Client.PostAsJsonAsync($"/api/admin/members/{member.Id}/roles", new { roles = Array.Empty<string>() }), 200);
        await Expect.StatusAsync(await member.Client.GetAsync("/api/me/profile"), 401);
    }
}

/// <summary>The API behind a proxy at 10.0.0.1; each test request says which address it comes from (X-Test-Remote).</summary>
public sealed class ProxiedApiFactory : ApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Proxies:Known:0"] = "10.0.0.1",
        ["RateLimits:LoginPerIpPerMinute"] = "3",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, RemoteAddressFromTestHeader>());
    }

    private sealed class RemoteAddressFromTestHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers["X-Test-Remote"], out var remote)) context.Connection.RemoteIpAddress = remote;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

public sealed class ProxyTests(ProxiedApiFactory api) : IClassFixture<ProxiedApiFactory>
{
    private async Task<HttpResponseMessage> LoginAsync(string remote, string? forwardedFor, string? proto, string email, bool cookies = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, cookies ? "/api/auth/login?useCookies=true" : "/api/auth/login")
        {
            Content = JsonContent.Create(new { email, password = ApiFactory.Password }),
        };
        request.Headers.Add("X-Test-Remote", remote);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (proto is not null) request.Headers.Add("X-Forwarded-Proto", proto);
        return await api.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task Forwarded_headers_count_only_from_the_configured_proxy()
    {
        var member = await api.SignUpAsync();
        // Through the proxy, over https at the proxy: the cookie is Secure.
        var secure = await LoginAsync("10.0.0.1", "203.0.113.7", "https", member.Email, cookies: true);
        await Expect.StatusAsync(secure, 200);
        Assert.Contains("secure", secure.Headers.GetValues("Set-Cookie").First(), StringComparison.OrdinalIgnoreCase);
        // The same headers from anyone else are ignored: the request was plain http.
        var spoofed = await LoginAsync("198.51.100.9", "203.0.113.8", "https", member.Email, cookies: true);
        await Expect.StatusAsync(spoofed, 200);
        Assert.DoesNotContain("secure", spoofed.Headers.GetValues("Set-Cookie").First(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Rate_limits_see_the_client_behind_the_proxy_not_the_proxy_and_not_a_forged_header()
    {
        // Two clients behind the proxy have limits of their own (3 a minute each).
        for (var i = 0; i < 3; i++) await LoginAsync("10.0.0.1", "203.0.113.20", null, api.NewEmail());
        await Expect.ProblemAsync(await LoginAsync("10.0.0.1", "203.0.113.20", null, api.NewEmail()), 429, "rate_limited");
        await Expect.ProblemAsync(await LoginAsync("10.0.0.1", "203.0.113.21", null, api.NewEmail()), 401, "auth.invalid_credentials");
        // A client talking to us directly cannot pick a new address per request.
        for (var i = 0; i < 3; i++) await LoginAsync("198.51.100.30", $"203.0.113.{100 + i}", null, api.NewEmail());
        await Expect.ProblemAsync(await LoginAsync("198.51.100.30", "203.0.113.200", null, api.NewEmail()), 429, "rate_limited");
    }
}
