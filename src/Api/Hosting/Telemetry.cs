using System.Diagnostics;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Assemble.Api.Hosting;

/// <summary>
/// OpenTelemetry. Metrics: ASP.NET Core's own (<c>http.server.request.duration</c> by route and status),
/// HttpClient's, Npgsql's, and ours (<see cref="AssembleMetrics"/>), as Prometheus text at <see cref="MetricsPath"/>
/// for admins. When the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads it and the other
/// OTEL_* variables itself), metrics, logs and traces go over OTLP: requests, outgoing HTTP (Stripe), SQL (Npgsql)
/// and a span per job run.
/// </summary>
public static class Telemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>Our own spans (one per job run): request spans come from ASP.NET Core.</summary>
    public static readonly ActivitySource Source = new(AssembleMetrics.MeterName);

    public static IServiceCollection AddAssembleTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<OperationalReadings>().AddSingleton<AssembleMetrics>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "assemble-api"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(AssembleMetrics.MeterName)
                .AddPrometheusExporter());
        // Spans are recorded only when they have somewhere to go: /metrics carries no traces.
        if (string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) return services;
        telemetry
            .WithTracing(tracing => tracing
                .SetSampler(new NoOrphanClientSpans())
                .AddSource(Source.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .UseOtlpExporter();
        return services;
    }

    /// <summary>The Prometheus scrape endpoint, for admins only: the policy answers 401 or 403 before the exporter runs.</summary>
    public static void MapMetricsEndpoint(this IEndpointRouteBuilder app)
        => app.MapPrometheusScrapingEndpoint(MetricsPath)
            .RequireAuthorization(Features.Admin.AdminEndpoints.AdminPolicy)
            .ExcludeFromDescription();

    /// <summary>Load balancers' probes and scrapes would outnumber every other trace.</summary>
    private static bool IsProbe(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments(MetricsPath);

    /// <summary>
    /// Parent-based, except that a client span with no parent is dropped: SQL or HTTP outside any request or job run
    /// is Hangfire polling its queues every second, which would bury the traces worth reading.
    /// </summary>
    private sealed class NoOrphanClientSpans : Sampler
    {
        private static readonly Sampler ParentBased = new ParentBasedSampler(new AlwaysOnSampler());

        public override SamplingResult ShouldSample(in SamplingParameters parameters)
            => parameters.Kind == ActivityKind.Client && parameters.ParentContext.TraceId == default
                ? new SamplingResult(SamplingDecision.Drop)
                : ParentBased.ShouldSample(parameters);
    }
}
