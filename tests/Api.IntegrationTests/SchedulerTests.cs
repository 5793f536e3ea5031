using System.Net.Http.Json;
using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>Quartz clustered on the test database: the jobs run by themselves.</summary>
public sealed class ScheduledFactory : ApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Jobs:Scheduler:Enabled"] = "true",
        ["Jobs:Outbox:Interval"] = "00:00:01",
    };
}

public sealed class SchedulerTests(ScheduledFactory api) : IClassFixture<ScheduledFactory>
{
    [Fact]
    public async Task Two_instances_join_one_clustered_scheduler_and_the_mail_job_runs_by_itself()
    {
        await using var second = api.SecondInstance();
        _ = api.Services;
        _ = second.Services;
        var email = api.NewEmail();
        await Expect.StatusAsync(await api.CreateClient().PostAsJsonAsync("/api/auth/register", new { email, password = ApiFactory.Password }), 200);

        // No test code sends the outbox: the scheduler's mail job does, on one node.
        var mail = await Mailbox.WaitForAsync(api.MailFolder, email, timeout: TimeSpan.FromSeconds(30));
        Assert.Contains("確認", mail.Subject);
        var nodes = await api.CountAsync("SELECT count(*) FROM qrtz_scheduler_state WHERE sched_name = 'assemble'");
        Assert.Equal(2, nodes);
        // The file is written before its row is marked sent: give the job the moment it needs to commit.
        var sent = $"SELECT count(*) FROM outbox_emails WHERE \"to\" = '{email}' AND status = 'Sent' AND attempts = 1";
        for (var i = 0; i < 100 && await api.CountAsync(sent) == 0; i++) await Task.Delay(50);
        Assert.Equal(1, await api.CountAsync(sent));
        // seat expiry, payments, mail, clean-up, referrals
        Assert.Equal(5, await api.CountAsync("SELECT count(*) FROM qrtz_triggers WHERE sched_name = 'assemble'"));
    }
}
