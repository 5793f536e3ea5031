using Assemble.Api.Features.Payments;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Assemble.Api.Features.Email;

/// <summary>
/// Turns a domain event (registration confirmed, hold created, offer made, event changed or cancelled, refund …)
/// into the outbox mail it causes, in the member's language. <see cref="NoticeWriter"/> does it inside the
/// SaveChanges of the change itself and the registration ledger inside its own batch, so the mail row commits with
/// the change or not at all; the domain event row stays as the record of what happened, marked processed.
/// </summary>
public static class Notices
{
    public sealed record Recipient(Guid MemberId, string Email, PreferredLanguage Language);

    /// <summary>Who can be mailed among these members: a deleted account is nobody's any more and gets nothing.</summary>
    public static async Task<Dictionary<Guid, Recipient>> RecipientsAsync(AppDbContext db, IReadOnlyCollection<Guid> memberIds, CancellationToken cancellationToken)
        => (await db.Users.AsNoTracking().Where(u => memberIds.Contains(u.Id) && u.Email != null && u.DeletedAt == null)
                .GroupJoin(db.MemberProfiles, u => u.Id, p => p.Id, (u, p) => new { u, p })
                .SelectMany(x => x.p.DefaultIfEmpty(), (x, p) => new { x.u.Id, x.u.Email, Language = p == null ? PreferredLanguage.Ja : p.PreferredLanguage })
                .ToListAsync(cancellationToken))
            .ToDictionary(x => x.Id, x => new Recipient(x.Id, x.Email!, x.Language));

    /// <summary>
    /// The registration or waitlist entry a domain event is about: as this unit of work has it (tracked, possibly
    /// changed and unsaved), else from the database.
    /// </summary>
    public static async Task<(Registration? Registration, WaitlistEntry? Offer)> SubjectAsync(AppDbContext db, Guid? subjectId,
        IReadOnlyDictionary<Guid, Registration> tracked, IReadOnlyDictionary<Guid, WaitlistEntry> trackedOffers, CancellationToken cancellationToken)
    {
        if (subjectId is not { } s) return (null, null);
        if (tracked.TryGetValue(s, out var registration)) return (registration, null);
        if (trackedOffers.TryGetValue(s, out var offer)) return (null, offer);
        registration = await db.Registrations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == s, cancellationToken);
        return registration is not null ? (registration, null) : (null, await db.WaitlistEntries.AsNoTracking().SingleOrDefaultAsync(w => w.Id == s, cancellationToken));
    }

    /// <summary>
    /// The mail for one member, or null when this event sends them nothing. Confirmed attendees get the join URL (and,
    /// on confirmation, the .ics); a seat held for payment gets the signed link to pay, made by <paramref name="payLink"/>
    /// from the registration id (<see cref="Payments.CheckoutPages.PayLink"/>).
    /// </summary>
    public static OutboxEmail? Render(DomainEvent row, Event e, Recipient to, bool confirmedAttendee, Registration? registration, WaitlistEntry? offer,
        Func<Guid, string> payLink, DateTimeOffset now)
    {
        // Only while there is something to pay: a notice rendered late, after the hold ended or was paid, has no link.
        var pay = row.Type == DomainEventTypes.HoldCreated && registration is { Status: RegistrationStatus.PendingPayment } ? payLink(registration.Id) : null;
        var text = EventMail.For(row.Type, e, to.Language, confirmedAttendee, row.Detail, registration, offer, pay);
        if (text is null) return null;
        var mail = new OutboxEmail(to.Email, text.Subject, text.Body, null, essential: true, now);
        if (row.Type == DomainEventTypes.RegistrationConfirmed && confirmedAttendee)
            mail.WithAttachment("event.ics", "text/calendar", Common.Calendar.IcsWriter.Write(Events.EventCalendar.Entries(e, e.OnlineJoinUrl), e.Title));
        return mail;
    }

    /// <summary>
    /// The mails of one domain event: to the member it names, or for "event changed" to everyone confirmed.
    /// <paramref name="registration"/> and <paramref name="offer"/> are the entities as changed in this transaction.
    /// </summary>
    public static async Task<List<OutboxEmail>> RenderAsync(AppDbContext db, DomainEvent row, Event e, Registration? registration, WaitlistEntry? offer,
        IReadOnlyDictionary<Guid, Recipient> known, Func<Guid, string> payLink, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var mails = new List<OutboxEmail>();
        if (row.MemberId is { } one)
        {
            if (!known.TryGetValue(one, out var to)) return mails;
            var confirmed = registration is not null && registration.MemberId == one
                ? registration.Status == RegistrationStatus.Confirmed
                : await db.Registrations.AnyAsync(r => r.EventId == e.Id && r.MemberId == one && r.Status == RegistrationStatus.Confirmed, cancellationToken);
            if (Render(row, e, to, confirmed, registration, offer, payLink, now) is { } mail) mails.Add(mail);
            return mails;
        }
        if (row.Type != DomainEventTypes.EventChanged) return mails;
        var attendees = await db.Registrations.AsNoTracking().Where(r => r.EventId == e.Id && r.Status == RegistrationStatus.Confirmed).Select(r => r.MemberId).ToListAsync(cancellationToken);
        foreach (var to in (await RecipientsAsync(db, attendees, cancellationToken)).Values)
            if (Render(row, e, to, confirmedAttendee: true, null, null, payLink, now) is { } mail) mails.Add(mail);
        return mails;
    }
}

/// <summary>
/// Writes the mail of every new domain event into the same SaveChanges (so the same transaction) as the change:
/// the entities are read as this unit of work changed them, the recipients in one query for the whole batch.
/// </summary>
public sealed class NoticeWriter(TimeProvider time, IDataProtectionProvider protection, PublicLinks links) : SaveChangesInterceptor
{
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is AppDbContext db) await WriteAsync(db, cancellationToken);
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is AppDbContext db && Pending(db).Count > 0) WriteAsync(db, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    /// <summary>SaveChanges has just detected changes: look at the tracked rows without detecting them all again.</summary>
    private static List<DomainEvent> Pending(AppDbContext db)
    {
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return db.ChangeTracker.Entries<DomainEvent>().Where(x => x.State == EntityState.Added && x.Entity.ProcessedAt == null).Select(x => x.Entity).ToList();
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    private async Task WriteAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var rows = Pending(db);
        if (rows.Count == 0) return;
        var now = time.GetUtcNow();
        var events = db.ChangeTracker.Entries<Event>().Select(x => x.Entity).ToDictionary(x => x.Id);
        var missing = rows.Select(r => r.EventId).Distinct().Where(id => !events.ContainsKey(id)).ToList();
        if (missing.Count > 0)
            foreach (var loaded in await db.Events.AsNoTracking().Include(x => x.TicketTypes).Include(x => x.Sessions).AsSplitQuery().Where(x => missing.Contains(x.Id)).ToListAsync(cancellationToken))
                events[loaded.Id] = loaded;
        var registrations = db.ChangeTracker.Entries<Registration>().Select(x => x.Entity).ToDictionary(x => x.Id);
        var offers = db.ChangeTracker.Entries<WaitlistEntry>().Select(x => x.Entity).ToDictionary(x => x.Id);
        var recipients = await Notices.RecipientsAsync(db, rows.Where(r => r.MemberId is not null).Select(r => r.MemberId!.Value).Distinct().ToList(), cancellationToken);
        foreach (var row in rows)
        {
            if (events.TryGetValue(row.EventId, out var e))
            {
                var (registration, offer) = await Notices.SubjectAsync(db, row.SubjectId, registrations, offers, cancellationToken);
                db.OutboxEmails.AddRange(await Notices.RenderAsync(db, row, e, registration, offer, recipients, PayLink, now, cancellationToken));
            }
            row.MarkProcessed(now);
        }
    }

    private string PayLink(Guid registrationId) => CheckoutPages.PayLink(protection, links, registrationId);
}
