using Assemble.Api.Features.Payments;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Email;

/// <summary>
/// A safety net: domain event rows not yet turned into mail (every path writes its mail with the change, through
/// <see cref="NoticeWriter"/> or the registration ledger; rows from before that, or from a hand-written SQL fix,
/// land here). Rows are claimed with FOR UPDATE SKIP LOCKED and marked processed in the same transaction as the
/// mail they produce: each row mails once.
/// </summary>
public static partial class NotificationMailer
{
    public static async Task<int> RunOnceAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var written = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var protection = scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>();
            var links = scope.ServiceProvider.GetRequiredService<PublicLinks>();
            string PayLink(Guid registrationId) => CheckoutPages.PayLink(protection, links, registrationId);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var batch = await db.DomainEvents.FromSql($"SELECT * FROM domain_events WHERE processed_at IS NULL ORDER BY id LIMIT 50 FOR UPDATE SKIP LOCKED").ToListAsync(cancellationToken);
            if (batch.Count == 0) break;
            var eventIds = batch.Select(b => b.EventId).Distinct().ToList();
            var events = await db.Events.AsNoTracking().Include(e => e.Sessions).Where(e => eventIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
            foreach (var row in batch)
            {
                // One notice that cannot be rendered is logged and passed over, never left at the head of the queue
                // where it would stop every notice behind it.
                try
                {
                    if (events.TryGetValue(row.EventId, out var e)) written += await WriteAsync(db, row, e, PayLink, now, cancellationToken);
                }
                catch (Exception failure) when (failure is not (OperationCanceledException or Npgsql.NpgsqlException or DbUpdateException))
                {
                    LogUnrenderable(scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NotificationMailer)), row.Id, failure.GetType().Name);
                }
                row.MarkProcessed(now);
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return written;
    }

    private static async Task<int> WriteAsync(AppDbContext db, DomainEvent row, Event e, Func<Guid, string> payLink, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (registration, offer) = await Notices.SubjectAsync(db, row.SubjectId, new Dictionary<Guid, Registration>(), new Dictionary<Guid, WaitlistEntry>(), cancellationToken);
        var recipients = row.MemberId is { } one ? await Notices.RecipientsAsync(db, [one], cancellationToken) : [];
        var mails = await Notices.RenderAsync(db, row, e, registration, offer, recipients, payLink, now, cancellationToken);
        db.OutboxEmails.AddRange(mails);
        return mails.Count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Domain event {RowId} could not be rendered as mail ({Exception}); it is passed over so the notices behind it go out.")]
    private static partial void LogUnrenderable(ILogger logger, Guid rowId, string exception);
}
