using System.Diagnostics;
using System.Diagnostics.Metrics;
using Assemble.Api.Features.Email;

namespace Assemble.Api.Hosting;

/// <summary>
/// Every instrument of the <c>Assemble</c> meter, in one place. Counters are added where the outcome is known and cost
/// no I/O; the gauges are read only when a reader collects (a scrape of /metrics, an OTLP export), from
/// <see cref="OperationalReadings"/>, which caches its two queries for a few seconds.
/// </summary>
public sealed class AssembleMetrics
{
    public const string MeterName = "Assemble";

    private readonly Counter<long> _registrations;
    private readonly Counter<long> _webhooks;
    private readonly Counter<long> _mailSent;
    private readonly Counter<long> _mailFailed;
    private readonly Counter<long> _jobRuns;
    private readonly Histogram<double> _jobDuration;

    public AssembleMetrics(IMeterFactory meters, OperationalReadings readings)
    {
        // From the host's factory: each host (a test process holds many) has meters of its own.
        var meter = meters.Create(MeterName);
        _registrations = meter.CreateCounter<long>("assemble.registrations", "{registration}",
            "Registration attempts by outcome: the status reached (confirmed, pending_payment, pending_approval), waitlisted, or the error code that refused it.");
        _webhooks = meter.CreateCounter<long>("assemble.stripe.webhooks", "{event}",
            "Stripe webhook deliveries by event type and outcome (handled, duplicate, ignored, bad_signature, malformed, other_api_version).");
        _mailSent = meter.CreateCounter<long>("assemble.mail.sent", "{message}", "Outbox messages the transport accepted.");
        _mailFailed = meter.CreateCounter<long>("assemble.mail.failed", "{message}",
            "Outbox messages not sent: retrying (sent again later) or dead (an admin must look).");
        _jobRuns = meter.CreateCounter<long>("assemble.jobs.runs", "{run}", "Job runs by job and outcome (succeeded, failed, skipped).");
        _jobDuration = meter.CreateHistogram<double>("assemble.jobs.duration", "s", "How long job runs take, by job and outcome.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
        meter.CreateObservableGauge("assemble.outbox.depth", readings.OutboxDepth, "{message}", "Outbox messages waiting (pending) or given up on (dead).");
        meter.CreateObservableGauge("assemble.outbox.oldest_pending.age", readings.OldestPendingAge, "s", "How long the oldest pending message has waited.");
        meter.CreateObservableGauge("assemble.event.seats", readings.Seats, "{seat}",
            "Seats of published events that have not ended: held for payment (held) or confirmed (sold).");
    }

    public void RegistrationDecided(string outcome) => _registrations.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void WebhookReceived(string type, string outcome)
        => _webhooks.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("outcome", outcome));

    public void MailDispatched(OutboxDispatcher.Report report)
    {
        if (report.Sent > 0) _mailSent.Add(report.Sent);
        if (report.Retrying > 0) _mailFailed.Add(report.Retrying, new KeyValuePair<string, object?>("outcome", "retrying"));
        if (report.Dead > 0) _mailFailed.Add(report.Dead, new KeyValuePair<string, object?>("outcome", "dead"));
    }

    public void JobRan(string job, string outcome, TimeSpan elapsed)
    {
        // Not "job": Prometheus gives that label to the scrape target and would rename ours.
        var tags = new TagList { { "job.name", job }, { "outcome", outcome } };
        _jobRuns.Add(1, tags);
        _jobDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>A registration's status as the <c>outcome</c> label: snake_case, as in our error codes.</summary>
    public static string OutcomeOf(Domain.Events.RegistrationStatus status) => status switch
    {
        Domain.Events.RegistrationStatus.Confirmed => "confirmed",
        Domain.Events.RegistrationStatus.PendingPayment => "pending_payment",
        Domain.Events.RegistrationStatus.PendingApproval => "pending_approval",
        _ => status.ToString().ToLowerInvariant(),
    };
}
