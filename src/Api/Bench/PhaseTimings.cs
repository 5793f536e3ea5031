#if BENCHMARK
using System.Diagnostics;

namespace Assemble.Api.Bench;

/// <summary>
/// Compiled only into the benchmark build: how long the server took over each registration request (from the first
/// middleware to the answer), so that a run's phases — seats handed out, then sold out — can be told apart.
/// <c>GET /bench/timings</c> summarises them per event (the real endpoint's or the baseline's, warm-up or measured) and status, in the order they ran.
/// </summary>
public static class PhaseTimings
{
    private const int Capacity = 1_000_000;
    private static readonly (long Start, long Ticks, int Status, string Event)[] Samples = new (long, long, int, string)[Capacity];
    private static int count;

    public static void UsePhaseTimings(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var start = Stopwatch.GetTimestamp();
        await next(context);
        var path = context.Request.Path.Value ?? "";
        if (!path.EndsWith("/registrations", StringComparison.Ordinal) || !HttpMethods.IsPost(context.Request.Method)) return;
        var i = Interlocked.Increment(ref count) - 1;
        // "/api/events/{id}/registrations" or "/bench/baseline/events/{id}/registrations": named by where and which event.
        var segments = path.Split('/');
        var id = segments.Length > 2 ? segments[^2] : "";
        var name = $"{(path.StartsWith("/bench/", StringComparison.Ordinal) ? "baseline" : "api")} event …{id[Math.Max(0, id.Length - 6)..]}";
        if (i < Capacity) Samples[i] = (start, Stopwatch.GetTimestamp() - start, context.Response.StatusCode, name);
    });

    public static void MapPhaseTimings(this IEndpointRouteBuilder bench) => bench.MapGet("/timings", () =>
    {
        static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        var lines = Samples.Take(Math.Min(count, Capacity))
            .GroupBy(s => (s.Event, s.Status))
            .OrderBy(g => g.Min(s => s.Start)).ThenBy(g => g.Key.Status)
            .Select(g =>
            {
                var d = g.Select(s => s.Ticks).Order().ToArray();
                var span = g.Max(s => s.Start) - g.Min(s => s.Start);
                return $"{g.Key.Event} {g.Key.Status} n={d.Length} p50_ms={Ms(d[d.Length / 2]):F1} p90_ms={Ms(d[d.Length * 9 / 10]):F1} " +
                       $"p99_ms={Ms(d[d.Length * 99 / 100]):F1} max_ms={Ms(d[^1]):F1} span_s={Ms(span) / 1000:F2}";
            });
        return string.Join("\n", lines) + "\n";
    });
}
#endif
