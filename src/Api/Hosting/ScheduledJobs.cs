using Assemble.Api.Features.Email;
using Assemble.Api.Features.Payments;
using Assemble.Api.Features.Registrations;
using Assemble.Infrastructure.Persistence;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Hosting;

public sealed class SchedulerOptions
{
    public const string Section = "Jobs:Scheduler";

    /// <summary>
    /// Whether this instance is a Hangfire server (runs jobs). Tests turn it off and run the job bodies themselves,
    /// at the instants they choose; the storage and the dashboard are there either way.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Hangfire workers on this instance (jobs it runs at once).</summary>
    public int WorkerCount { get; set; } = 4;
}

/// <summary>
/// Hangfire 1.8 on the same PostgreSQL (schema <c>hangfire</c>, installed by the migrator): every API instance is a
/// server unless <c>Jobs:Scheduler:Enabled</c> is false, a recurring job fires on one of them, and mail committed by
/// this process is sent by a job enqueued right after the commit (<see cref="OutboxDispatchTrigger"/>). Delivery is
/// at least once, and every body is idempotent on its own: they are the RunOnceAsync methods the tests call directly.
/// </summary>
public static class ScheduledJobs
{
    public const string DashboardPath = "/admin/jobs";

    public static IServiceCollection AddScheduledJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SeatExpiryOptions>().Bind(configuration.GetSection(SeatExpiryOptions.Section));
        var scheduler = configuration.GetSection(SchedulerOptions.Section).Get<SchedulerOptions>() ?? new SchedulerOptions();
        var connectionString = ConnectionStrings.Resolve(configuration);

        // Storage, client and activator from this container, not Hangfire's process-wide statics: a test process
        // hosts many APIs, each on its own database.
        services.AddSingleton<JobStorage>(_ => HangfireStorage.Create(connectionString));
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        // Hangfire's own providers (global filters, attributes) and this host's telemetry filter; AddHangfire keeps a
        // provider already registered, and the server and the client both take it from here.
        services.AddSingleton<JobTelemetryFilter>();
        services.AddSingleton<IJobFilterProvider>(sp => new JobFilterProviderCollection(
            JobFilterProviders.Providers, new JobFilterCollection { sp.GetRequiredService<JobTelemetryFilter>() }));
        services.AddHangfire((sp, c) => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogProvider(sp.GetRequiredService<ILoggerFactory>())));
        // Also on an instance that runs no jobs: its commits wake whichever servers there are.
        services.AddHostedService<OutboxDispatchTrigger>();
        if (!scheduler.Enabled) return services;

        var schedules = new Schedules(
            Cron(configuration.GetSection(SeatExpiryOptions.Section).Get<SeatExpiryOptions>()?.Interval ?? TimeSpan.FromSeconds(20), "Jobs:SeatExpiry:Interval"),
            Cron(configuration.GetSection(PaymentOptions.Section).Get<PaymentOptions>()?.JobInterval ?? TimeSpan.FromSeconds(30), "Payments:JobInterval"),
            Cron(configuration.GetSection(OutboxOptions.Section).Get<OutboxOptions>()?.Interval ?? TimeSpan.FromSeconds(5), "Jobs:Outbox:Interval"));
        services.AddSingleton(schedules);
        services.AddHangfireServer(o =>
        {
            o.WorkerCount = scheduler.WorkerCount;
            // Recurring and delayed jobs are looked for this often: the seconds of a cron need about a second.
            o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });
        services.AddHostedService<RecurringJobsRegistration>();
        return services;
    }

    /// <summary>The dashboard, for admins only: the endpoint's policy answers 401 or 403 before Hangfire sees the request.</summary>
    public static void MapJobsDashboard(this IEndpointRouteBuilder app)
        => app.MapHangfireDashboard(DashboardPath, new DashboardOptions
            {
                Authorization = [],
                AsyncAuthorization = [],
                DisplayStorageConnectionString = false,
                DashboardTitle = "Assemble jobs",
            })
            .RequireAuthorization(Features.Admin.AdminEndpoints.AdminPolicy)
            .ExcludeFromDescription();

    public sealed record Schedules(string SeatExpiry, string Payments, string Mail);

    /// <summary>
    /// Each job's one name: the recurring job's id in Hangfire, the <c>job</c> label of the job metrics, the key of
    /// its heartbeat (<see cref="JobHeartbeats"/>).
    /// </summary>
    public static string NameOf(Type job) => Names.TryGetValue(job, out var name) ? name : job.Name;

    private static readonly Dictionary<Type, string> Names = new()
    {
        [typeof(SeatExpiryRun)] = "seat-expiry",
        [typeof(PaymentsRun)] = "payments",
        [typeof(MailRun)] = "mail",
        [typeof(OutboxRun)] = "outbox",
        [typeof(CleanupRun)] = "cleanup",
        [typeof(ReferralRun)] = "referrals",
        [typeof(AnswerRetentionRun)] = "answer-retention",
    };

    /// <summary>
    /// An interval as a Hangfire cron (six fields, the first one seconds: Hangfire 1.8 reads six-part expressions with
    /// seconds). Only intervals that divide a minute, an hour or a day fit a cron; anything else fails at start.
    /// </summary>
    public static string Cron(TimeSpan interval, string setting)
    {
        var seconds = (long)interval.TotalSeconds;
        if (interval == TimeSpan.FromSeconds(seconds) && seconds > 0)
        {
            if (seconds < 60 && 60 % seconds == 0) return $"*/{seconds} * * * * *";
            if (seconds % 60 == 0 && seconds < 3600 && 3600 % seconds == 0) return $"0 */{seconds / 60} * * * *";
            if (seconds % 3600 == 0 && seconds < 86400 && 86400 % seconds == 0) return $"0 0 */{seconds / 3600} * * *";
            if (seconds == 86400) return "0 0 0 * * *";
        }
        throw new InvalidOperationException(
            $"{setting} must divide a minute, an hour or a day evenly (00:00:05, 00:00:20, 00:05:00, 01:00:00 …); {interval} cannot be a cron schedule.");
    }

    /// <summary>
    /// Defines the recurring jobs once the migrator has run (hosted services start after it). Every server does it;
    /// the last to start wins, so instances should share their intervals.
    /// </summary>
    private sealed class RecurringJobsRegistration(IRecurringJobManager jobs, Schedules schedules) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            jobs.AddOrUpdate<SeatExpiryRun>(NameOf(typeof(SeatExpiryRun)), j => j.RunAsync(CancellationToken.None), schedules.SeatExpiry);
            jobs.AddOrUpdate<PaymentsRun>(NameOf(typeof(PaymentsRun)), j => j.RunAsync(CancellationToken.None), schedules.Payments);
            jobs.AddOrUpdate<MailRun>(NameOf(typeof(MailRun)), j => j.RunAsync(CancellationToken.None), schedules.Mail);
            jobs.AddOrUpdate<CleanupRun>(NameOf(typeof(CleanupRun)), j => j.RunAsync(CancellationToken.None), Hangfire.Cron.Daily());
            jobs.AddOrUpdate<ReferralRun>(NameOf(typeof(ReferralRun)), j => j.RunAsync(CancellationToken.None), Hangfire.Cron.Hourly());
            jobs.AddOrUpdate<AnswerRetentionRun>(NameOf(typeof(AnswerRetentionRun)), j => j.RunAsync(CancellationToken.None), Hangfire.Cron.Daily());
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    // Recurring bodies are not retried: the schedule runs them again anyway.

    [AutomaticRetry(Attempts = 0), SkipWhenRunning]
    public sealed class SeatExpiryRun(IServiceScopeFactory scopes, TimeProvider time)
    {
        [JobDisplayName("Seat expiry")]
        public async Task RunAsync(CancellationToken cancellationToken)
            => await SeatExpiryJob.RunOnceAsync(scopes, time.GetUtcNow(), cancellationToken);
    }

    [AutomaticRetry(Attempts = 0), SkipWhenRunning]
    public sealed class PaymentsRun(IServiceScopeFactory scopes, TimeProvider time)
    {
        [JobDisplayName("Payments: refunds and reconciliation")]
        public async Task RunAsync(CancellationToken cancellationToken)
            => await PaymentJobs.RunOnceAsync(scopes, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>
    /// The safety net behind <see cref="OutboxRun"/>: domain events into mail, due reminders (of events and of
    /// membership renewals) into mail, then the
    /// outbox out. Runs may overlap (a long send on one node, the next firing on another): every step claims its rows
    /// with SKIP LOCKED or ON CONFLICT, so overlapping runs share a large fan-out instead of queueing behind it.
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    public sealed class MailRun(IServiceScopeFactory scopes, TimeProvider time, IOptions<OutboxOptions> options)
    {
        [JobDisplayName("Mail: notices, reminders, outbox")]
        public async Task RunAsync(CancellationToken cancellationToken)
        {
            await Notifier.RunOnceAsync(scopes, time.GetUtcNow(), cancellationToken);
            await ReminderMailer.RunOnceAsync(scopes, time.GetUtcNow(), cancellationToken);
            await Features.Memberships.MembershipReminders.RunOnceAsync(scopes, time.GetUtcNow(), cancellationToken);
            await OutboxDispatcher.RunAsync(scopes, time.GetUtcNow(), options.Value, cancellationToken);
        }
    }

    /// <summary>
    /// Turns new notification records into mail and sends the outbox now: enqueued by <see cref="OutboxDispatchTrigger"/>
    /// after a commit that wrote mail or a notification record. Not
    /// retried: a failed run leaves its rows to the next run or the mail sweep.
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    public sealed class OutboxRun(IServiceScopeFactory scopes, TimeProvider time, IOptions<OutboxOptions> options)
    {
        [JobDisplayName("Notices into mail, then send the outbox")]
        public async Task RunAsync(CancellationToken cancellationToken)
        {
            await Notifier.RunOnceAsync(scopes, time.GetUtcNow(), cancellationToken);
            await OutboxDispatcher.RunAsync(scopes, time.GetUtcNow(), options.Value, cancellationToken);
        }
    }

    /// <summary>Hourly: overdue introductions expire; free text of requests closed 90 days ago is deleted.</summary>
    [AutomaticRetry(Attempts = 0), SkipWhenRunning]
    public sealed class ReferralRun(IServiceScopeFactory scopes, TimeProvider time)
    {
        [JobDisplayName("Referrals: expiry and deletion")]
        public async Task RunAsync(CancellationToken cancellationToken)
            => await Features.Referrals.ReferralJobs.RunOnceAsync(scopes, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>Daily: answers to events' questions go Privacy:AnswerRetentionDays after the event.</summary>
    [AutomaticRetry(Attempts = 0), SkipWhenRunning]
    public sealed class AnswerRetentionRun(IServiceScopeFactory scopes, TimeProvider time)
    {
        [JobDisplayName("Privacy: answer retention")]
        public async Task RunAsync(CancellationToken cancellationToken)
            => await Features.Privacy.AnswerRetention.RunOnceAsync(scopes, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>Daily: sent mail older than 30 days and answered idempotency records older than a day go.</summary>
    [AutomaticRetry(Attempts = 0), SkipWhenRunning]
    public sealed class CleanupRun(IServiceScopeFactory scopes, TimeProvider time)
    {
        [JobDisplayName("Clean-up")]
        public async Task RunAsync(CancellationToken cancellationToken)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var now = time.GetUtcNow();
            await db.OutboxEmails.Where(e => e.Status == Domain.Common.OutboxEmailStatus.Sent && e.SentAt < now.AddDays(-30)).ExecuteDeleteAsync(cancellationToken);
            await db.IdempotencyRecords.Where(r => r.CreatedAt < now.AddDays(-1)).ExecuteDeleteAsync(cancellationToken);
        }
    }
}
