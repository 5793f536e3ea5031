using Assemble.Api.Hosting;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Common;
using Assemble.Infrastructure.Persistence;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>
/// /health/ready stays 200 but says Degraded when mail is stuck or the jobs have stopped: the instance serves
/// requests, and someone should look. (No Hangfire server runs here: the tests set the jobs' state themselves.)
/// </summary>
public sealed class ReadinessTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    [Fact]
    public async Task Ready_is_degraded_while_the_oldest_pending_mail_is_older_than_ten_minutes()
    {
        Assert.Equal("Healthy", await ReadyAsync());
        var late = await AddMailAsync(DateTimeOffset.UtcNow.AddMinutes(-11));
        Assert.Equal("Degraded", await ReadyAsync());

        await using (var scope = api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var row = await db.OutboxEmails.FindAsync(late);
            row!.Sent(DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }
        Assert.Equal("Healthy", await ReadyAsync());

        // Nine minutes is within the limit.
        await AddMailAsync(DateTimeOffset.UtcNow.AddMinutes(-9));
        Assert.Equal("Healthy", await ReadyAsync());
    }

    [Fact]
    public async Task Ready_is_degraded_when_the_mail_job_has_not_succeeded_for_ten_minutes()
    {
        var jobs = api.Services.GetRequiredService<IRecurringJobManager>();
        var storage = api.Services.GetRequiredService<JobStorage>();
        jobs.AddOrUpdate<ScheduledJobs.MailRun>("mail", j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        try
        {
            // Registered a moment ago and never run yet: not stopped.
            Assert.Equal("Healthy", await ReadyAsync());
            using (var connection = storage.GetConnection()) JobHeartbeats.Record(connection, "mail", DateTimeOffset.UtcNow.AddMinutes(-11));
            Assert.Equal("Degraded", await ReadyAsync());
            using (var connection = storage.GetConnection()) JobHeartbeats.Record(connection, "mail", DateTimeOffset.UtcNow);
            Assert.Equal("Healthy", await ReadyAsync());
        }
        finally
        {
            jobs.RemoveIfExists("mail");
        }
    }

    private async Task<string> ReadyAsync()
    {
        var response = await api.CreateClient().GetAsync("/health/ready");
        await Expect.StatusAsync(response, 200);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<Guid> AddMailAsync(DateTimeOffset createdAt)
    {
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var mail = new OutboxEmail("late@example.jp", "件名", "本文", null, essential: true, createdAt);
        db.OutboxEmails.Add(mail);
        await db.SaveChangesAsync();
        return mail.Id;
    }
}
