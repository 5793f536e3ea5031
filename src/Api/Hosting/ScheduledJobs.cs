using Assemble.Api.Features.Email;
using Assemble.Api.Features.Payments;
using Assemble.Api.Features.Registrations;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace Assemble.Api.Hosting;

public sealed class SchedulerOptions
{
    public const string Section = "Jobs:Scheduler";

    /// <summary>Tests turn the scheduler off and run the job bodies themselves, at the instants they choose.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>
/// Quartz 4, clustered on the same PostgreSQL (its tables and lock rows come from the migrator): every API
/// instance is a node, a trigger fires on one node, and the job bodies are idempotent anyway (clustered Quartz
/// is at-least-once under load). The bodies are the RunOnceAsync methods the tests call directly.
/// </summary>
public static class ScheduledJobs
{
    public static IServiceCollection AddScheduledJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SeatExpiryOptions>().Bind(configuration.GetSection(SeatExpiryOptions.Section));
        if (!(configuration.GetSection(SchedulerOptions.Section).Get<SchedulerOptions>()?.Enabled ?? true)) return services;
        var seatInterval = configuration.GetSection(SeatExpiryOptions.Section).Get<SeatExpiryOptions>()?.Interval ?? TimeSpan.FromSeconds(20);
        var paymentInterval = configuration.GetSection(PaymentOptions.Section).Get<PaymentOptions>()?.JobInterval ?? TimeSpan.FromSeconds(30);
        var mailInterval = configuration.GetSection(OutboxOptions.Section).Get<OutboxOptions>()?.Interval ?? TimeSpan.FromSeconds(5);
        var connectionString = ConnectionStrings.Resolve(configuration);

        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = QuartzSchema.SchedulerName;
                o.GenerateInstanceId = true;
            });
            q.UsePersistentStore(s =>
            {
                s.UsePostgres(connectionString);
                s.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(10));
                s.UseSystemTextJsonSerializer(_ => { });
            });
            Every<SeatExpiryRun>(q, "seat-expiry", seatInterval);
            Every<PaymentsRun>(q, "payments", paymentInterval);
            Every<MailRun>(q, "mail", mailInterval);
            Every<CleanupRun>(q, "cleanup", TimeSpan.FromDays(1));
            Every<ReferralRun>(q, "referrals", TimeSpan.FromHours(1));
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }

    private static void Every<T>(IQuartzBuilder q, string name, TimeSpan interval) where T : class, IJob
        => q.ScheduleJob<T>(
            t => t.WithIdentity(name).StartNow().WithSimpleSchedule(x => x.WithInterval(interval).RepeatForever()),
            j => j.WithIdentity(name).DisallowConcurrentExecution(typeof(T).IsDefined(typeof(DisallowConcurrentExecutionAttribute), false)));

    [DisallowConcurrentExecution]
    public sealed class SeatExpiryRun(IServiceScopeFactory scopes, TimeProvider time) : IJob
    {
        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
            => await SeatExpiryJob.RunOnceAsync(scopes, time.GetUtcNow(), cancellationToken);
    }

    [DisallowConcurrentExecution]
    public sealed class PaymentsRun(IServiceScopeFactory scopes, TimeProvider time) : IJob
    {
        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
            => await PaymentJobs.RunOnceAsync(scopes, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>
    /// Domain events into mail, due reminders into mail, then the outbox out. Runs may overlap (a long send on one
    /// node, the next firing on another): every step claims its rows with SKIP LOCKED or ON CONFLICT, so
    /// overlapping runs share a large fan-out instead of queueing behind it.
    /// </summary>
    public sealed class MailRun(IServiceScopeFactory scopes, TimeProvider time, IOptions<OutboxOptions> options) : IJob
    {
        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            await NotificationMailer.RunOnceAsync(scopes, time.GetUtcNow(), cancellationToken);
            await ReminderMailer.RunOnceAsync(scopes, time.GetUtcNow(), cancellationToken);
            await OutboxDispatcher.RunOnceAsync(scopes, time.GetUtcNow(), options.Value.BatchSize, cancellationToken);
        }
    }

    /// <summary>Hourly: overdue introductions expire; free text of requests closed 90 days ago is deleted.</summary>
    [DisallowConcurrentExecution]
    public sealed class ReferralRun(IServiceScopeFactory scopes, TimeProvider time) : IJob
    {
        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
            => await Features.Referrals.ReferralJobs.RunOnceAsync(scopes, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>Daily: sent mail older than 30 days and answered idempotency records older than a day go.</summary>
    [DisallowConcurrentExecution]
    public sealed class CleanupRun(IServiceScopeFactory scopes, TimeProvider time) : IJob
    {
        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var now = time.GetUtcNow();
            await db.OutboxEmails.Where(e => e.Status == Domain.Common.OutboxEmailStatus.Sent && e.SentAt < now.AddDays(-30)).ExecuteDeleteAsync(cancellationToken);
            await db.IdempotencyRecords.Where(r => r.CreatedAt < now.AddDays(-1)).ExecuteDeleteAsync(cancellationToken);
        }
    }
}
