using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http.Json;
using Assemble.Api.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>
/// The figures an operator reads, on an instance whose Hangfire server runs the jobs: a registration, the mail it
/// writes, and the job run that sends it are counted, and appear at the scrape endpoint.
/// </summary>
public sealed class MetricsTests(ScheduledFactory api) : IClassFixture<ScheduledFactory>
{
    [Fact]
    public async Task A_registration_its_mail_and_the_job_that_sent_it_are_counted_and_scraped()
    {
        // Only this host's instruments: the test process hosts many APIs, each with meters of its own.
        using var measured = new Measurements(api.Services.GetRequiredService<IMeterFactory>());
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession());
        var member = await api.MemberAsync();

        await Expect.StatusAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);
        await Mailbox.WaitForAsync(api.MailFolder, member.Email, m => m.Subject.Contains("相談記録の書き方"));
        // The dispatch job is counted once Hangfire has finished it, a moment after the file is written.
        await measured.WaitForAsync("assemble.jobs.runs", ("job.name", "outbox"), ("outcome", "succeeded"));

        Assert.Equal(1, measured.Sum("assemble.registrations", ("outcome", "confirmed")));
        Assert.True(measured.Sum("assemble.mail.sent") >= 1);
        Assert.Equal(0, measured.Sum("assemble.mail.failed"));
        Assert.True(measured.Sum("assemble.jobs.duration", ("job.name", "outbox")) > 0);

        var admin = await api.AdminAsync();
        var scrape = await admin.Client.GetStringAsync("/metrics");
        Assert.Equal(1, Scraped(scrape, "assemble_event_seats", $"event_id=\"{e.Id}\"", "state=\"sold\""));
        Assert.Equal(0, Scraped(scrape, "assemble_event_seats", $"event_id=\"{e.Id}\"", "state=\"held\""));
        Assert.True(Scraped(scrape, "assemble_registrations_total", "outcome=\"confirmed\"") >= 1);
        Assert.True(Scraped(scrape, "assemble_mail_sent_total") >= 1);
        Assert.True(Scraped(scrape, "assemble_jobs_runs_total", "job_name=\"outbox\"", "outcome=\"succeeded\"") >= 1);
        Assert.NotNull(Scraped(scrape, "assemble_outbox_depth", "status=\"pending\""));
        Assert.NotNull(Scraped(scrape, "assemble_outbox_oldest_pending_age_seconds"));
        // ASP.NET Core's own request duration, by route and status.
        Assert.True(Scraped(scrape, "http_server_request_duration_seconds_count",
            "http_route=\"/api/events/{eventId:guid}/registrations\"", "http_response_status_code=\"201\"") >= 1);
    }

    [Fact]
    public async Task A_refused_registration_is_counted_by_its_error_code()
    {
        using var measured = new Measurements(api.Services.GetRequiredService<IMeterFactory>());
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 1));
        var (first, second) = (await api.MemberAsync(), await api.MemberAsync());

        await Expect.StatusAsync(await first.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);
        await Expect.ProblemAsync(await second.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 409, "registration.sold_out");
        await Expect.StatusAsync(await second.Client.PostAsJsonAsync($"/api/events/{e.Id}/waitlist", new { ticketTypeId = e.TicketTypeId }), 201);

        Assert.Equal(1, measured.Sum("assemble.registrations", ("outcome", "registration.sold_out")));
        Assert.Equal(1, measured.Sum("assemble.registrations", ("outcome", "waitlisted")));
    }

    /// <summary>The sum of the samples of a metric whose labels include all of <paramref name="labels"/>; null when there is none.</summary>
    private static double? Scraped(string scrape, string metric, params string[] labels)
    {
        var samples = scrape.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) || l.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(l => labels.All(label => l.Contains(label, StringComparison.Ordinal)))
            .Select(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
            .ToList();
        return samples.Count == 0 ? null : samples.Sum();
    }

    /// <summary>Every measurement of the Assemble meter created by one host's meter factory.</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Name, KeyValuePair<string, object?>[] Tags, double Value)> _seen = new();

        public Measurements(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Meter.Name == Hosting.AssembleMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => _seen.Enqueue((i.Name, tags.ToArray(), value)));
            _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => _seen.Enqueue((i.Name, tags.ToArray(), value)));
            _listener.Start();
        }

        public double Sum(string name, params (string Key, string Value)[] tags)
            => _seen.Where(m => m.Name == name && tags.All(t => m.Tags.Any(x => x.Key == t.Key && Equals(x.Value, t.Value)))).Sum(m => m.Value);

        public async Task WaitForAsync(string name, params (string Key, string Value)[] tags)
        {
            for (var i = 0; i < 100 && Sum(name, tags) == 0; i++) await Task.Delay(100);
            Assert.True(Sum(name, tags) > 0, $"No {name} measurement with {string.Join(", ", tags)}");
        }

        public void Dispose() => _listener.Dispose();
    }
}
