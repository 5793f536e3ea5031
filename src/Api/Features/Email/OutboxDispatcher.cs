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
    /// <summary>Messages claimed per transaction.</summary>
    public int BatchSize { get; set; } = 20;
}

/// <summary>
/// Sends the outbox: claims due rows with FOR UPDATE SKIP LOCKED (so any number of instances share the work and
/// never send the same row at once), hands each to the transport, and marks it sent, retried later (temporary
/// failure, exponential backoff) or dead (permanent failure or too many attempts). A crash after sending and
/// before the commit sends that message again with the same Message-ID.
/// </summary>
public static class OutboxDispatcher
{
    public sealed record Report(int Sent, int Retrying, int Dead);

    public static async Task<Report> RunOnceAsync(IServiceScopeFactory scopes, DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        int sent = 0, retrying = 0, dead = 0;
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
            foreach (var email in batch)
            {
                var (result, error) = await transport.DeliverAsync(email, cancellationToken);
                switch (result)
                {
                    case DeliveryResult.Sent:
                        email.Sent(now);
                        sent++;
                        break;
                    default:
                        email.Failed(error ?? "failed", result == DeliveryResult.PermanentFailure, now);
                        if (email.Status == OutboxEmailStatus.Dead) dead++;
                        else retrying++;
                        break;
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (batch.Count < batchSize) break;
        }
        return new Report(sent, retrying, dead);
    }

}
