using System.Diagnostics;
using Assemble.Api.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
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

/// <summary>An API told where to send OTLP (nothing listens there; the exporter drops what it cannot send).</summary>
public sealed class OtlpFactory : ApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317",
    };
}

public sealed class OtlpSwitchTests(OtlpFactory withOtlp, ApiFactory without) : IClassFixture<OtlpFactory>, IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Traces_are_recorded_only_when_an_otlp_endpoint_is_set()
    {
        Assert.Null(without.Services.GetService<TracerProvider>());
        Assert.NotNull(withOtlp.Services.GetService<TracerProvider>());

        // A request on the instance with an endpoint is traced; the probes are not.
        var seen = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Microsoft.AspNetCore",
            ActivityStopped = a => { lock (seen) seen.Add(a.DisplayName + (a.Recorded ? "" : " (dropped)")); },
        };
        ActivitySource.AddActivityListener(listener);
        await Expect.StatusAsync(await withOtlp.CreateClient().GetAsync("/api/events"), 200);
        // The server stops a request's activity after the answer has left: wait for it a little.
        bool Traced() { lock (seen) return seen.Any(s => s.StartsWith("GET /api/events", StringComparison.Ordinal) && !s.EndsWith("(dropped)", StringComparison.Ordinal)); }
        for (var i = 0; i < 50 && !Traced(); i++) await Task.Delay(100);
        Assert.True(Traced(), string.Join(", ", seen));
    }
}
