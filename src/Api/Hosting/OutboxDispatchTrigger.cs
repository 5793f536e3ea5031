using Assemble.Infrastructure.Email;
using Hangfire;

namespace Assemble.Api.Hosting;

/// <summary>
/// Turns "mail was committed" (<see cref="OutboxSignal"/>) into one enqueued <see cref="ScheduledJobs.OutboxRun"/>,
/// at most one per <see cref="Spacing"/> however many commits raised it: a confirmation leaves within about a second,
/// and a rush of registrations costs a handful of jobs, not one each. The recurring mail job remains the safety net
/// (a crash between the commit and the enqueue, a job that failed).
/// </summary>
public sealed partial class OutboxDispatchTrigger(OutboxSignal signal, IBackgroundJobClient jobs, ILogger<OutboxDispatchTrigger> logger) : BackgroundService
{
    public static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await signal.WaitAsync(stoppingToken);
                try
                {
                    jobs.Enqueue<ScheduledJobs.OutboxRun>(j => j.RunAsync(CancellationToken.None));
                }
                catch (Exception x) when (x is not OperationCanceledException)
                {
                    LogEnqueueFailed(logger, x);
                }
                await Task.Delay(Spacing, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not enqueue the outbox dispatch; the mail job will send it.")]
    private static partial void LogEnqueueFailed(ILogger logger, Exception exception);
}
