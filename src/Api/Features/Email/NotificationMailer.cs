using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Email;

/// <summary>
/// Turns the domain event rows (registration confirmed, hold created/expired, offer made/expired, event changed
/// or cancelled, refund requested …) into outbox mail in the member's language. Rows are claimed with FOR UPDATE
/// SKIP LOCKED and marked processed in the same transaction as the mail they produce: each row mails once.
/// </summary>
public static class NotificationMailer
{
    public static async Task<int> RunOnceAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var written = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var batch = await db.DomainEvents.FromSql($"SELECT * FROM domain_events WHERE processed_at IS NULL ORDER BY id LIMIT 50 FOR UPDATE SKIP LOCKED").ToListAsync(cancellationToken);
            if (batch.Count == 0) break;
            var eventIds = batch.Select(b => b.EventId).Distinct().ToList();
            var events = await db.Events.AsNoTracking().Where(e => eventIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
            foreach (var row in batch)
            {
                if (events.TryGetValue(row.EventId, out var e)) written += await WriteAsync(db, row, e, now, cancellationToken);
                row.MarkProcessed(now);
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return written;
    }

    private static async Task<int> WriteAsync(AppDbContext db, DomainEvent row, Event e, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // "Event changed" goes to everyone confirmed; every other notice to the member it names.
        var recipients = row.MemberId is { } one
            ? [one]
            : row.Type == DomainEventTypes.EventChanged
                ? await db.Registrations.Where(r => r.EventId == e.Id && r.Status == RegistrationStatus.Confirmed).Select(r => r.MemberId).ToListAsync(cancellationToken)
                : [];
        if (recipients.Count == 0) return 0;
        var registration = row.SubjectId is { } subject ? await db.Registrations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == subject, cancellationToken) : null;
        var offer = row.SubjectId is { } offerId && registration is null ? await db.WaitlistEntries.AsNoTracking().SingleOrDefaultAsync(w => w.Id == offerId, cancellationToken) : null;
        var members = await db.Users.Where(u => recipients.Contains(u.Id))
            .GroupJoin(db.MemberProfiles, u => u.Id, p => p.Id, (u, p) => new { u, p })
            .SelectMany(x => x.p.DefaultIfEmpty(), (x, p) => new { x.u.Id, x.u.Email, Language = p == null ? PreferredLanguage.Ja : p.PreferredLanguage })
            .ToListAsync(cancellationToken);
        var confirmed = (await db.Registrations.Where(r => r.EventId == e.Id && recipients.Contains(r.MemberId) && r.Status == RegistrationStatus.Confirmed)
            .Select(r => r.MemberId).ToListAsync(cancellationToken)).ToHashSet();
        var count = 0;
        foreach (var m in members.Where(m => m.Email is not null))
        {
            var text = EventMail.For(row.Type, e, m.Language, confirmed.Contains(m.Id), row.Detail, registration, offer);
            if (text is null) continue;
            var mail = new OutboxEmail(m.Email!, text.Subject, text.Body, null, essential: true, now);
            // A confirmation carries the event as an iCalendar file (with the join URL: the member is confirmed).
            if (row.Type == DomainEventTypes.RegistrationConfirmed && confirmed.Contains(m.Id))
                mail.WithAttachment("event.ics", "text/calendar", Common.Calendar.ICalendarWriter.Write([Events.EventCalendar.ToCalendarEvent(e, e.OnlineJoinUrl)], e.Title));
            db.OutboxEmails.Add(mail);
            count++;
        }
        return count;
    }
}
