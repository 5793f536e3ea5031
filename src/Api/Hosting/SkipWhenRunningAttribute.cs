using Hangfire.Common;
using Hangfire.Server;
using Hangfire.Storage;

namespace Assemble.Api.Hosting;

/// <summary>
/// One run of a job at a time across all instances. Unlike Hangfire's <c>DisableConcurrentExecution</c>, which waits
/// and then fails, a run that finds another under way is cancelled (the job is deleted with the filter's name as the
/// reason): the bodies are safe side by side, a second one would only repeat the first one's work, and the schedule
/// brings the next run anyway.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class SkipWhenRunningAttribute : JobFilterAttribute, IServerFilter
{
    private const string Held = "assemble:run-lock";

    public void OnPerforming(PerformingContext context)
    {
        var job = context.BackgroundJob.Job;
        try
        {
            context.Items[Held] = context.Connection.AcquireDistributedLock($"run:{job.Type.Name}.{job.Method.Name}", TimeSpan.Zero);
        }
        catch (DistributedLockTimeoutException)
        {
            context.Canceled = true;
        }
    }

    public void OnPerformed(PerformedContext context)
    {
        if (context.Items.Remove(Held, out var held)) ((IDisposable)held).Dispose();
    }
}
