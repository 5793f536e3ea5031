using System.Diagnostics;
using System.Text.RegularExpressions;
using Assemble.Api.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit;
using Xunit.Abstractions;

namespace Assemble.Api.IntegrationTests;

/// <summary>The API as a Hangfire server, sending through a real SMTP server.</summary>
public sealed class ScheduledSmtpFactory : ApiFactory
{
    public SmtpCatcher Smtp { get; } = SmtpCatcher.Start();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Jobs:Scheduler:Enabled"] = "true",
        ["Jobs:Outbox:Interval"] = "00:00:01",
        ["Jobs:Outbox:BatchSize"] = "25",
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = Smtp.Port.ToString(),
        ["Smtp:EnableSsl"] = "false",
        ["Email:FromAddress"] = "no-reply@assemble.test",
    };
}

public sealed class ExactlyOnceTests(ScheduledSmtpFactory api, ITestOutputHelper output) : IClassFixture<ScheduledSmtpFactory>
{
    [Fact]
    public async Task A_thousand_reminders_on_two_nodes_one_killed_mid_run_arrive_once_each_by_message_id()
    {
        // A second node as a real process, so it can be killed (SIGKILL) in the middle of sending.
        var port = FreePort();
        var second = Process.Start(new ProcessStartInfo("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "Assemble.Api.dll")}\" --urls http://127.0.0.1:{port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ConnectionStrings__Default"] = api.ConnectionString,
                ["Database__MigrateOnStartup"] = "false",
                ["App__PublicBaseUrl"] = ApiFactory.PublicBaseUrl,
                ["AllowedHosts"] = "127.0.0.1",
                ["Jobs__Outbox__Interval"] = "00:00:01",
                ["Jobs__Outbox__BatchSize"] = "25",
                ["Smtp__Host"] = "127.0.0.1",
                ["Smtp__Port"] = api.Smtp.Port.ToString(),
                ["Smtp__EnableSsl"] = "false",
                ["Email__FromAddress"] = "no-reply@assemble.test",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        })!;
        second.OutputDataReceived += (_, _) => { };
        second.ErrorDataReceived += (_, _) => { };
        second.BeginOutputReadLine();
        second.BeginErrorReadLine();
        try
        {
            _ = api.Services; // the in-process node
            using var http = new HttpClient();
            for (var i = 0; i < 100 && !await Ready(http, port); i++) await Task.Delay(200);

            // An event starting in an hour less ten seconds, with "an hour before": 1,000 reminders due now.
            var eventId = Guid.NewGuid();
            var ticketType = Guid.NewGuid();
            var organizer = await api.SignUpAsync();
            await api.ScalarAsync($$"""
                INSERT INTO events (id, organizer_id, co_organizer_ids, kind, format, title, time_zone, starts_at, ends_at, online_join_url, audience,
                    audience_professions, capacity, seats_taken, requires_approval, speakers, questions, reminder_rules, pledge_version,
                    cancellation_deadline_hours, hold_minutes, offer_hours, status, sequence, created_at, updated_at, members_only)
                VALUES ('{{eventId}}', '{{organizer.Id}}', '{}', 'StudySession', 'Online', '負荷試験', 'Asia/Tokyo', now() + interval '3590 seconds',
                    now() + interval '7190 seconds', 'https://zoom.example/j/x', 'AllMembers', '{}', 1000, 1000, false, '[]', '[]',
                    '[{"daysBefore":null,"at":null,"hoursBefore":1}]', 0, 24, 30, 24, 'Published', 1, now(), now(), false);
                INSERT INTO ticket_types (id, event_id, name, price_yen, max_per_member, seats_taken, tax, members_only) VALUES ('{{ticketType}}', '{{eventId}}', '無料', 0, 1, 0, 'Standard', false);
                WITH u AS (
                    INSERT INTO users (id, created_at, user_name, normalized_user_name, email, normalized_email, email_confirmed, security_stamp,
                                       phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
                    SELECT gen_random_uuid(), now(), 'once' || g || '@example.jp', 'ONCE' || g || '@EXAMPLE.JP', 'once' || g || '@example.jp',
                           'ONCE' || g || '@EXAMPLE.JP', true, md5(g::text), false, false, true, 0
                    FROM generate_series(1, 1000) AS g RETURNING id)
                INSERT INTO registrations (id, event_id, member_id, ticket_type_id, quantity, status, amount_yen, answers, check_in_code, created_at, confirmed_at)
                SELECT gen_random_uuid(), '{{eventId}}', u.id, '{{ticketType}}', 1, 'Confirmed', 0, '[]', upper(substr(md5(u.id::text), 1, 20)), now(), now() FROM u;
                """);

            // Kill the second node while the reminders are going out.
            var stopwatch = Stopwatch.StartNew();
            while (api.Smtp.Messages.Count < 150 && stopwatch.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
            second.Kill(entireProcessTree: true);
            output.WriteLine($"killed the second node after {api.Smtp.Messages.Count} messages, {stopwatch.Elapsed.TotalSeconds:F1} s");

            IReadOnlyList<string> ids = [];
            while (stopwatch.Elapsed < TimeSpan.FromSeconds(120))
            {
                ids = api.Smtp.Messages.Where(m => m.Contains("once")).Select(m => Regex.Match(m, @"^Message-ID: (\S+)", RegexOptions.IgnoreCase | RegexOptions.Multiline).Groups[1].Value).ToList();
                if (ids.Distinct().Count() >= 1000) break;
                await Task.Delay(200);
            }
            var distinct = ids.Distinct().Count();
            output.WriteLine($"received {ids.Count} reminder messages, {distinct} distinct Message-IDs, {ids.Count - distinct} duplicates, {stopwatch.Elapsed.TotalSeconds:F1} s");
            if (distinct < 1000)
            {
                // What held the rest back: their state as the outbox has it.
                var stuck = await api.DbAsync(db => db.OutboxEmails.Where(m => m.Subject.Contains("負荷試験") && m.Status != Assemble.Domain.Common.OutboxEmailStatus.Sent)
                    .GroupBy(m => new { m.Status, m.Attempts, m.LastError }).Select(g => new { g.Key.Status, g.Key.Attempts, g.Key.LastError, Count = g.Count(), Next = g.Max(m => m.NextAttemptAt) })
                    .ToListAsync());
                foreach (var group in stuck) output.WriteLine($"not sent: {group.Count} × {group.Status}, attempts {group.Attempts}, next {group.Next:O}, last error {group.LastError}");
            }
            Assert.Equal(1000, distinct);
            // The last batch is marked sent when its transaction commits, a moment after the server received it.
            long sent = 0;
            for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(100))
                if ((sent = await api.CountAsync($"SELECT count(*) FROM outbox_emails WHERE status = 'Sent' AND subject LIKE '%負荷試験%'")) == 1000) break;
            Assert.Equal(1000, sent);
            Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM reminder_sends WHERE event_id = '{eventId}'"));
        }
        finally
        {
            if (!second.HasExited) second.Kill(entireProcessTree: true);
        }
    }

    private static async Task<bool> Ready(HttpClient http, int port)
    {
        try
        {
            return (await http.GetAsync($"http://127.0.0.1:{port}/health/ready")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
