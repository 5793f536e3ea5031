using System.Net.Http.Json;
using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>The Hangfire dashboard at /admin/jobs: admins only, also on an instance that runs no jobs (as here).</summary>
public sealed class JobsDashboardTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    [Theory]
    [InlineData("/admin/jobs")]
    [InlineData("/admin/jobs/recurring")]
    public async Task Anonymous_callers_get_401(string path)
        => Assert.Equal(401, (int)(await api.CreateClient().GetAsync(path)).StatusCode);

    [Fact]
    public async Task Members_and_organizers_get_403()
    {
        var member = await api.MemberAsync();
        var organizer = await api.OrganizerAsync();
        foreach (var who in new[] { member, organizer })
        {
            Assert.Equal(403, (int)(await who.Client.GetAsync("/admin/jobs")).StatusCode);
            Assert.Equal(403, (int)(await who.Client.GetAsync("/admin/jobs/recurring")).StatusCode);
        }
    }

    [Fact]
    public async Task An_admin_with_a_bearer_token_sees_the_dashboard()
    {
        var admin = await api.AdminAsync();
        var page = await admin.Client.GetAsync("/admin/jobs");

        Assert.Equal(200, (int)page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Assemble jobs", await page.Content.ReadAsStringAsync());
        Assert.Equal(200, (int)(await admin.Client.GetAsync("/admin/jobs/recurring")).StatusCode);
    }

    [Fact]
    public async Task An_admin_signed_in_with_the_identity_cookie_sees_the_dashboard()
    {
        var admin = await api.AdminAsync();
        var browser = api.CreateClient();
        await Expect.StatusAsync(await browser.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email = admin.Email, password = ApiFactory.Password }), 200);

        var page = await browser.GetAsync("/admin/jobs");

        Assert.Equal(200, (int)page.StatusCode);
        Assert.Contains("Assemble jobs", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_member_signed_in_with_the_identity_cookie_gets_403()
    {
        var member = await api.MemberAsync();
        var browser = api.CreateClient();
        await Expect.StatusAsync(await browser.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email = member.Email, password = ApiFactory.Password }), 200);

        Assert.Equal(403, (int)(await browser.GetAsync("/admin/jobs")).StatusCode);
    }
}
