using Assemble.Api.Features.Payments;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Persistence;
using Assemble.Infrastructure.Persistence.Notifications;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Email;

/// <summary>
/// The one place domain events become mail: after the change has committed (no seat lock is held while a notice is
/// rendered), notification records not yet processed are claimed with FOR UPDATE SKIP LOCKED, rendered in each
/// member's language, and marked processed in the same transaction as the mail they produce, so each record mails
/// once. It runs right before the outbox is sent (<see cref="Hosting.ScheduledJobs.OutboxRun"/>, woken by the
/// commit) and in the mail sweep.
/// </summary>
public static partial class Notifier
{
    private const int BatchSize = 200;

    public static async Task<int> RunOnceAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var written = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var protection = scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>();
            var links = scope.ServiceProvider.GetRequiredService<PublicLinks>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var batch = await db.NotificationRecords
                .FromSql($"SELECT * FROM notification_records WHERE processed_at IS NULL ORDER BY id LIMIT {BatchSize} FOR UPDATE SKIP LOCKED")
                .ToListAsync(cancellationToken);
            if (batch.Count == 0) break;
            var subjects = await SubjectsAsync(db, batch, cancellationToken);
            var mails = new List<OutboxEmail>();
            foreach (var record in batch)
            {
                // One notice that cannot be rendered is logged and passed over, never left at the head of the queue
                // where it would stop every notice behind it.
                try
                {
                    if (record.Read() is { } notice) mails.AddRange(await subjects.RenderAsync(db, notice, id => CheckoutPages.PayLink(protection, links, id),
                        id => Receipts.ReceiptLinks.For(protection, links, id), now, cancellationToken));
                }
                catch (Exception failure) when (failure is not (OperationCanceledException or Npgsql.NpgsqlException or DbUpdateException))
                {
                    LogUnrenderable(scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Notifier)), record.Id, failure.GetType().Name);
                }
                record.MarkProcessed(now);
            }
            await db.SaveChangesAsync(cancellationToken);
            await OutboxRows.CopyAsync(db, mails, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            written += mails.Count;
        }
        return written;
    }

    /// <summary>What a batch of records is about, loaded in one query per kind: events, registrations, recipients.</summary>
    private static async Task<Subjects> SubjectsAsync(AppDbContext db, List<NotificationRecord> batch, CancellationToken cancellationToken)
    {
        var eventIds = batch.Select(b => b.EventId).Distinct().ToList();
        var subjectIds = batch.Where(b => b.SubjectId is not null).Select(b => b.SubjectId!.Value).Distinct().ToList();
        var memberIds = batch.Where(b => b.MemberId is not null).Select(b => b.MemberId!.Value).Distinct().ToList();
        var events = await db.Events.AsNoTracking().Include(e => e.Sessions).AsSplitQuery().Where(e => eventIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
        var registrations = await db.Registrations.AsNoTracking().Where(r => subjectIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
        // Whether each member is a confirmed attendee of the event (the join URL goes to them alone).
        var confirmed = (await db.Registrations.AsNoTracking()
                .Where(r => eventIds.Contains(r.EventId) && memberIds.Contains(r.MemberId) && r.Status == RegistrationStatus.Confirmed)
                .Select(r => new { r.EventId, r.MemberId }).ToListAsync(cancellationToken))
            .Select(x => (x.EventId, x.MemberId)).ToHashSet();
        // The sale receipt of each paid registration (its payment's, not a reissue), by registration id: confirmation by
        // payment mails its link.
        var receipts = await db.Payments.AsNoTracking().Where(p => p.RegistrationId != null && subjectIds.Contains(p.RegistrationId.Value))
            .Join(db.Receipts.Where(r => r.Kind == Domain.Receipts.ReceiptKind.Sale && r.ReissueOf == null), p => p.Id, r => r.PaymentId, (p, r) => new { p.RegistrationId, ReceiptId = r.Id })
            .ToDictionaryAsync(x => x.RegistrationId!.Value, x => x.ReceiptId, cancellationToken);
        // And the return invoice of each refund completed in the batch (one at or above the threshold has one).
        var refundIds = batch.Where(b => NotificationTypes.TypeOf(b.Type) == typeof(RefundCompleted)).Select(ReadOrNull).OfType<RefundCompleted>()
            .Where(r => r.RefundId is not null).Select(r => r.RefundId).ToList();
        Dictionary<Guid, Guid> returns = refundIds.Count == 0 ? [] : await db.Receipts.AsNoTracking().Where(r => refundIds.Contains(r.RefundId) && r.ReissueOf == null)
            .ToDictionaryAsync(r => r.RefundId!.Value, r => r.Id, cancellationToken);
        return new Subjects(events, registrations, confirmed, await Notices.RecipientsAsync(db, memberIds, cancellationToken), receipts, returns);
    }

    /// <summary>The typed event, or null for a payload that cannot be read: the render loop logs and passes over that record.</summary>
    private static DomainEvent? ReadOrNull(NotificationRecord record)
    {
        try
        {
            return record.Read();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private sealed record Subjects(Dictionary<Guid, Event> Events, Dictionary<Guid, Registration> Registrations,
        HashSet<(Guid EventId, Guid MemberId)> Confirmed, Dictionary<Guid, Notices.Recipient> Recipients,
        Dictionary<Guid, Guid> SaleReceipts, Dictionary<Guid, Guid> ReturnInvoices)
    {
        /// <summary>The mails of one event: to the member it names, or for a change to everyone confirmed.</summary>
        public async Task<List<OutboxEmail>> RenderAsync(AppDbContext db, DomainEvent notice, Func<Guid, string> payLink, Func<Guid, string> receiptLink, DateTimeOffset now,
            CancellationToken cancellationToken)
        {
            if (!Events.TryGetValue(notice.EventId, out var e)) return [];
            var registration = notice.SubjectId is { } s ? Registrations.GetValueOrDefault(s) : null;
            if (notice.RecipientId is { } one)
            {
                if (!Recipients.TryGetValue(one, out var to)) return [];
                var receipt = notice switch
                {
                    RegistrationConfirmed { By: ConfirmedBy.Payment } when registration is not null && SaleReceipts.TryGetValue(registration.Id, out var r) => receiptLink(r),
                    RefundCompleted { RefundId: { } refund } when ReturnInvoices.TryGetValue(refund, out var r) => receiptLink(r),
                    _ => null,
                };
                return Render(notice, e, to, Confirmed.Contains((e.Id, one)), registration, payLink, receipt, now) is { } mail ? [mail] : [];
            }
            if (notice is not EventChanged) return [];
            var attendees = await db.Registrations.AsNoTracking().Where(r => r.EventId == e.Id && r.Status == RegistrationStatus.Confirmed).Select(r => r.MemberId).ToListAsync(cancellationToken);
            return (await Notices.RecipientsAsync(db, attendees, cancellationToken)).Values
                .Select(to => Render(notice, e, to, confirmedAttendee: true, null, payLink, null, now)).OfType<OutboxEmail>().ToList();
        }
    }

    /// <summary>
    /// The mail for one member, or null when this event sends them nothing. Confirmed attendees get the join URL (and,
    /// on confirmation, the .ics); a seat still held for payment gets the signed link to pay.
    /// </summary>
    private static OutboxEmail? Render(DomainEvent notice, Event e, Notices.Recipient to, bool confirmedAttendee, Registration? registration, Func<Guid, string> payLink,
        string? receiptLink, DateTimeOffset now)
    {
        // Only while there is something to pay: a notice rendered after the hold ended or was paid has no link.
        var pay = notice is HoldCreated && registration is { Status: RegistrationStatus.PendingPayment } ? payLink(registration.Id) : null;
        var text = EventMail.For(notice, e, to.Language, confirmedAttendee, registration, pay, receiptLink);
        if (text is null) return null;
        var mail = new OutboxEmail(to.Email, text.Subject, text.Body, null, essential: true, now);
        if (notice is RegistrationConfirmed && confirmedAttendee)
            mail.WithAttachment("event.ics", "text/calendar", Common.Calendar.IcsWriter.Write(Events.EventCalendar.Entries(e, e.OnlineJoinUrl), e.Title));
        return mail;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification record {RecordId} could not be rendered as mail ({Exception}); it is passed over so the notices behind it go out.")]
    private static partial void LogUnrenderable(ILogger logger, Guid recordId, string exception);
}
