using Assemble.Api.Hosting;
using Assemble.Domain.Common;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Email;

public sealed class OutboxOptions
{
    public const string Section = "Jobs:Outbox";

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Messages claimed per transaction (and sent over one SMTP connection).</summary>
    public int BatchSize { get; set; } = 20;
    /// <summary>Batches one run sends at once, each on its own connection; SKIP LOCKED keeps them apart.</summary>
    public int Workers { get; set; } = 4;
}

/// <summary>
/// Sends the outbox: claims due rows with FOR UPDATE SKIP LOCKED (so any number of instances share the work and
/// never send the same row at once), hands the batch to the transport (one SMTP connection), and marks each row
/// sent, retried later (temporary failure, exponential backoff) or dead (permanent failure or too many attempts). A crash after sending and
/// before the commit sends that message again with the same Message-ID. A message that cannot be built or is
/// refused fails alone: the rows behind it go out in the same batch.
/// </summary>
public static class OutboxDispatcher
{
    public sealed record Report(int Sent, int Retrying, int Dead);

    /// <summary>Sends everything due with <see cref="OutboxOptions.Workers"/> loops side by side.</summary>
    public static async Task<Report> RunAsync(IServiceScopeFactory scopes, DateTimeOffset now, OutboxOptions options, CancellationToken cancellationToken)
    {
        var reports = await Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Workers))
            .Select(_ => RunOnceAsync(scopes, now, options.BatchSize, cancellationToken)));
        return new Report(reports.Sum(r => r.Sent), reports.Sum(r => r.Retrying), reports.Sum(r => r.Dead));
    }

    public static async Task<Report> RunOnceAsync(IServiceScopeFactory scopes, DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        var total = new Report(0, 0, 0);
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var transport = scope.ServiceProvider.GetRequiredService<IMailTransport>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var batch = await db.OutboxEmails
                .FromSql($"SELECT * FROM outbox_emails WHERE status = 'Pending' AND next_attempt_at <= {now} ORDER BY next_attempt_at, id LIMIT {batchSize} FOR UPDATE SKIP LOCKED")
                .ToListAsync(cancellationToken);
            if (batch.Count == 0) break;
            var outcomes = await transport.DeliverAsync(batch, cancellationToken);
            var unavailable = outcomes.Any(o => o.Result == DeliveryResult.ServerUnavailable);
            int sent = 0, retrying = 0, dead = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                var (email, outcome) = (batch[i], outcomes[i]);
                if (outcome.Result == DeliveryResult.Sent)
                {
                    email.Sent(now);
                    sent++;
                    continue;
                }
                if (outcome.Result == DeliveryResult.ServerUnavailable)
                {
                    // Not the message's fault: retry it later without using up one of its attempts.
                    email.Postpone(outcome.Error ?? "SMTP server unavailable", now);
                    retrying++;
                    continue;
                }
                email.Failed(outcome.Error ?? "failed", outcome.Result == DeliveryResult.PermanentFailure, now);
                if (email.Status == OutboxEmailStatus.Dead) dead++;
                else retrying++;
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            var report = new Report(sent, retrying, dead);
            scope.ServiceProvider.GetRequiredService<AssembleMetrics>().MailDispatched(report);
            total = new Report(total.Sent + sent, total.Retrying + retrying, total.Dead + dead);
            // A server that cannot be reached costs one batch a run, not one time-out per batch of the whole queue.
            if (batch.Count < batchSize || unavailable) break;
        }
        return total;
    }

}
