using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>The Prometheus scrape endpoint is for admins, like the jobs dashboard.</summary>
public sealed class MetricsEndpointTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    [Fact]
    public async Task Metrics_are_for_admins_only()
    {
        Assert.Equal(401, (int)(await api.CreateClient().GetAsync("/metrics")).StatusCode);
        var member = await api.MemberAsync();
        Assert.Equal(403, (int)(await member.Client.GetAsync("/metrics")).StatusCode);

        var admin = await api.AdminAsync();
        var scrape = await admin.Client.GetAsync("/metrics");
        await Expect.StatusAsync(scrape, 200);
        Assert.Equal("text/plain", scrape.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE assemble_outbox_depth gauge", await scrape.Content.ReadAsStringAsync());
    }
}
