using Assemble.Api.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class SecurityHeadersTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static void AssertCommon(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Personal_answers_are_never_stored_by_a_cache()
    {
        var member = await api.SignUpAsync();
        foreach (var path in new[] { "/api/me/profile", "/api/me/registrations", "/api/me/credentials", "/api/me/mail-preferences" })
        {
            var response = await member.Client.GetAsync(path);
            await Expect.StatusAsync(response, 200);
            AssertCommon(response);
            Assert.True(response.Headers.CacheControl?.NoStore, path);
        }
        // Problems too: a 401 says nothing a cache should keep either.
        var anonymous = await api.CreateClient().GetAsync("/api/me/profile");
        await Expect.StatusAsync(anonymous, 401);
        AssertCommon(anonymous);
        Assert.True(anonymous.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Html_pages_forbid_framing_and_scripts()
    {
        var page = await api.CreateClient().GetAsync("/api/mail/unsubscribe?token=forged");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        AssertCommon(page);
        var policy = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains("default-src 'none'", policy);
        Assert.Equal("DENY", Assert.Single(page.Headers.GetValues("X-Frame-Options")));

        var docs = await api.CreateClient().GetAsync("/docs/index.html");
        await Expect.StatusAsync(docs, 200);
        Assert.Contains("frame-ancestors 'none'", Assert.Single(docs.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task Https_answers_outside_development_carry_hsts()
    {
        var client = api.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(ApiFactory.PublicBaseUrl) });
        var response = await client.GetAsync("/health/live");
        Assert.StartsWith("max-age=", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
        AssertCommon(response);
    }
}
