using System.Diagnostics;
using System.Net.Http.Json;
using Assemble.Api.Hosting;
using Assemble.Api.IntegrationTests.Infrastructure;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>
/// Hangfire servers on the test database: the jobs run by themselves. The mail sweep runs once a minute here, so
/// mail that leaves within seconds was sent by the job enqueued after its commit.
/// </summary>
public sealed class ScheduledFactory : EventsFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Jobs:Scheduler:Enabled"] = "true",
        ["Jobs:Outbox:Interval"] = "00:01:00",
    };
}

public sealed class SchedulerTests(ScheduledFactory api) : IClassFixture<ScheduledFactory>
{
    [Fact]
    public async Task The_recurring_jobs_are_registered_with_their_cron_schedules()
    {
        _ = api.Services;
        using var connection = api.Services.GetRequiredService<JobStorage>().GetConnection();
        var schedules = connection.GetRecurringJobs().ToDictionary(j => j.Id, j => j.Cron);

        Assert.Equal(new Dictionary<string, string>
        {
            ["seat-expiry"] = "*/20 * * * * *",
            ["payments"] = "*/30 * * * * *",
            ["mail"] = "0 */1 * * * *",
            ["cleanup"] = "0 0 * * *",
            ["referrals"] = "0 * * * *",
            ["answer-retention"] = "0 0 * * *",
        }, schedules);
    }

    [Theory]
    [InlineData("00:00:05", "*/5 * * * * *")]
    [InlineData("00:00:01", "*/1 * * * * *")]
    [InlineData("00:05:00", "0 */5 * * * *")]
    [InlineData("02:00:00", "0 0 */2 * * *")]
    [InlineData("1.00:00:00", "0 0 0 * * *")]
    public void An_interval_that_divides_a_minute_hour_or_day_becomes_a_cron_with_seconds(string interval, string cron)
        => Assert.Equal(cron, ScheduledJobs.Cron(TimeSpan.Parse(interval), "setting"));

    [Theory]
    [InlineData("00:00:07")]
    [InlineData("00:00:00.500")]
    [InlineData("00:00:00")]
    [InlineData("00:07:00")]
    [InlineData("2.00:00:00")]
    public void An_interval_no_cron_can_express_is_refused_at_start(string interval)
        => Assert.Throws<InvalidOperationException>(() => ScheduledJobs.Cron(TimeSpan.Parse(interval), "Jobs:Outbox:Interval"));

    [Fact]
    public async Task A_sign_up_confirmation_leaves_within_two_seconds_through_the_enqueued_dispatch()
    {
        _ = api.Services;
        var email = api.NewEmail();
        var stopwatch = Stopwatch.StartNew();
        await Expect.StatusAsync(await api.CreateClient().PostAsJsonAsync("/api/auth/register", new { email, password = ApiFactory.Password }), 200);

        var mail = await Mailbox.WaitForAsync(api.MailFolder, email, timeout: TimeSpan.FromSeconds(2));
        Assert.Contains("確認", mail.Subject);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"{stopwatch.Elapsed.TotalSeconds:F1} s");
        await AssertSentByTheDispatchJobAsync();
    }

    [Fact]
    public async Task An_event_registration_confirmation_leaves_within_two_seconds_through_the_enqueued_dispatch()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession());
        var member = await api.MemberAsync();

        // The free one-pool registration: written by the seat path's raw batch, not by EF Core.
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);

        var mail = await Mailbox.WaitForAsync(api.MailFolder, member.Email, m => m.Subject.Contains("相談記録の書き方"), timeout: TimeSpan.FromSeconds(2));
        Assert.Contains("参加URL", mail.Text);
        await AssertSentByTheDispatchJobAsync();
    }

    [Fact]
    public async Task Two_instances_are_two_hangfire_servers_on_one_storage()
    {
        await using var second = api.SecondInstance();
        _ = api.Services;
        _ = second.Services;
        var monitoring = api.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        for (var i = 0; i < 50 && monitoring.Servers().Count < 2; i++) await Task.Delay(100);
        Assert.Equal(2, monitoring.Servers().Count);
    }

    private async Task AssertSentByTheDispatchJobAsync()
    {
        var monitoring = api.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        // The file is written before the job is marked succeeded: give it the moment it needs.
        for (var i = 0; i < 50 && !SucceededDispatch(); i++) await Task.Delay(100);
        Assert.True(SucceededDispatch());

        bool SucceededDispatch() => monitoring.SucceededJobs(0, 100).Any(j => j.Value.Job?.Type == typeof(ScheduledJobs.OutboxRun));
    }
}
