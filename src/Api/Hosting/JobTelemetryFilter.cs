using System.Diagnostics;
using Hangfire.Server;

namespace Assemble.Api.Hosting;

/// <summary>
/// Around every job this host's Hangfire server runs: a span (so the job's SQL and HTTP calls are traced under it),
/// the run counted by job and outcome with its duration, and, when a watched job succeeds, its heartbeat. Given to
/// the server through this host's filter provider, not Hangfire's process-wide global filters: a test process
/// hosts many APIs.
/// </summary>
public sealed class JobTelemetryFilter(AssembleMetrics metrics, TimeProvider time) : IServerFilter
{
    private const string Started = "assemble:telemetry-started";
    private const string Span = "assemble:telemetry-span";

    public void OnPerforming(PerformingContext context)
    {
        context.Items[Started] = time.GetTimestamp();
        // Started here and stopped in OnPerformed: the job runs between the two on this same call path.
        if (Telemetry.Source.StartActivity($"job {ScheduledJobs.NameOf(context.BackgroundJob.Job.Type)}") is { } span)
        {
            span.SetTag("job.id", context.BackgroundJob.Id);
            context.Items[Span] = span;
        }
    }

    public void OnPerformed(PerformedContext context)
    {
        var job = ScheduledJobs.NameOf(context.BackgroundJob.Job.Type);
        var outcome = context.Canceled ? "skipped" : context.Exception is not null && !context.ExceptionHandled ? "failed" : "succeeded";
        var elapsed = context.Items.TryGetValue(Started, out var started) ? time.GetElapsedTime((long)started) : TimeSpan.Zero;
        metrics.JobRan(job, outcome, elapsed);
        if (context.Items.Remove(Span, out var value) && value is Activity span)
        {
            if (outcome == "failed") span.SetStatus(ActivityStatusCode.Error, context.Exception?.GetType().Name);
            span.SetTag("job.outcome", outcome);
            span.Dispose();
        }
        if (outcome == "succeeded" && JobHeartbeats.Watched.Contains(job)) JobHeartbeats.Record(context.Connection, job, time.GetUtcNow());
    }
}
