using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Assemble.Infrastructure.Persistence.Configurations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Assemble.Api.Features.Email;

/// <summary>
/// Sends due reminders: for each published event not yet started, each rule whose instant has come gets one row in
/// reminder_sends (inserted first, ON CONFLICT DO NOTHING) and, in the same transaction, one outbox mail per
/// confirmed attendee who has not turned reminders off. Whatever runs this, and however often, a reminder goes
/// out once. Because due instants derive from the current start, moving an event moves its pending reminders.
/// </summary>
public static class ReminderMailer
{
    public static async Task<int> RunOnceAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<Event> upcoming;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var horizon = now.AddDays(31);
            upcoming = await db.Events.AsNoTracking().Where(e => e.Status == EventStatus.Published && e.StartsAt > now && e.StartsAt < horizon).ToListAsync(cancellationToken);
        }
        var written = 0;
        foreach (var e in upcoming)
        {
            // Rules falling on the same instant share one send (the first rule's recipients).
            foreach (var (due, rule) in e.ReminderRules.Select(r => (Due: r.DueAt(e.StartsAt, e.TimeZone), Rule: r)).Where(x => x.Due <= now).DistinctBy(x => x.Due))
            {
                var statuses = rule.Recipients.ToList();
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var claimed = await db.Database.ExecuteSqlAsync(
                    $"INSERT INTO reminder_sends (event_id, due_at, recipients, sent_at) VALUES ({e.Id}, {due}, 0, {now}) ON CONFLICT DO NOTHING", cancellationToken);
                if (claimed == 0) continue;
                var recipients = await db.Registrations.Where(r => r.EventId == e.Id && statuses.Contains(r.Status))
                    .WhoAcceptOptionalMail(db)
                    .Join(db.Users, r => r.MemberId, u => u.Id, (r, u) => new { u.Id, u.Email, Confirmed = r.Status == RegistrationStatus.Confirmed })
                    .GroupJoin(db.MemberProfiles, x => x.Id, p => p.Id, (x, p) => new { x, p })
                    .SelectMany(x => x.p.DefaultIfEmpty(), (x, p) => new { x.x.Id, x.x.Email, x.x.Confirmed, Language = p == null ? PreferredLanguage.Ja : p.PreferredLanguage })
                    .ToListAsync(cancellationToken);
                var protection = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>();
                var links = scope.ServiceProvider.GetRequiredService<Assemble.Infrastructure.Email.PublicLinks>();
                var mails = new List<OutboxEmail>(recipients.Count);
                foreach (var r in recipients.Where(r => r.Email is not null))
                {
                    var ja = r.Language == PreferredLanguage.Ja;
                    var when = EventMail.When(e.StartsAt, e.TimeZone, r.Language);
                    // The join URL only for confirmed attendees (a rule may also remind holders yet to pay).
                    var join = e.OnlineJoinUrl is null || !r.Confirmed ? "" : (ja ? $"\n参加URL: {e.OnlineJoinUrl}" : $"\nJoin: {e.OnlineJoinUrl}");
                    var link = Unsubscribe.Link(protection, links, r.Id);
                    var stop = ja ? $"\n\nリマインドメールの停止: {link}" : $"\n\nStop reminders: {link}";
                    mails.Add(new OutboxEmail(r.Email!,
                        ja ? $"【Assemble】リマインド：{e.Title}" : $"[Assemble] Reminder: {e.Title}",
                        (ja ? $"{e.Title}\n日時: {when}" : $"{e.Title}\nWhen: {when}") + join + stop,
                        null, essential: false, now).WithUnsubscribeLink(link));
                    written++;
                }
                // One COPY for the whole send: a large event's reminders are written in milliseconds, not seconds.
                await OutboxRows.CopyAsync(db, mails, cancellationToken);
                await db.Database.ExecuteSqlAsync($"UPDATE reminder_sends SET recipients = {recipients.Count} WHERE event_id = {e.Id} AND due_at = {due}", cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                // COPY is not a SaveChanges the outbox watcher sees: wake the dispatcher ourselves, after the commit.
                if (mails.Count > 0) scope.ServiceProvider.GetRequiredService<Assemble.Infrastructure.Email.IOutboxSignal>().Raise();
            }
        }
        return written;
    }
}

public static class ReminderEndpoints
{
    public sealed record RulesRequest([Required] List<ReminderRule>? Rules);

    public sealed record RulesResponse(Guid EventId, IReadOnlyList<ReminderRule> Rules, IReadOnlyList<EventTime> NextReminders);

    public static void MapReminderEndpoints(this IEndpointRouteBuilder app)
    {
        var rules = app.MapGroup("/api/events/{id:guid}/reminder-rules").WithTags("Events").RequireAuthorization();
        rules.MapGet("/", async Task<Results<Ok<RulesResponse>, ProblemHttpResult>> (Guid id, ClaimsPrincipal user, AppDbContext db, CancellationToken ct) =>
            {
                var e = await db.FindAsync(id, ct);
                if (EventAccess.ManageError(e, user) is { } denied) return denied.ToProblem();
                return TypedResults.Ok(View(e!));
            })
            .WithName("GetReminderRules").WithSummary("Get an event's reminder rules").ProducesProblems(401, 403, 404)
            .WithDescription("The event's organizers: its reminder rules and when the next reminders go out. 404 `event.not_found`; 403 `event.not_organizer` to others who can see the event.");
        rules.MapPut("/", async Task<Results<Ok<RulesResponse>, ProblemHttpResult>> (Guid id, RulesRequest request, ClaimsPrincipal user, AppDbContext db, TimeProvider time, CancellationToken ct) =>
            {
                var e = await db.Events.Include(x => x.TicketTypes).SingleOrDefaultAsync(x => x.Id == id, ct);
                if (EventAccess.ManageError(e, user) is { } denied) return denied.ToProblem();
                if (request.Rules is null) return Problems.InvalidField("rules", "Required.", "reminders.invalid");
                var set = e!.SetReminderRules(request.Rules, time.GetUtcNow());
                if (!set.IsSuccess) return set.Error!.ToProblem();
                await db.SaveChangesAsync(ct);
                return TypedResults.Ok(View(e));
            })
            .WithName("SetReminderRules").WithSummary("Set an event's reminder rules")
            .WithDescription("The event's organizers: replaces the rules (\"N days before at HH:MM\" in the event's zone, \"N hours before\"); each reminder goes out once.").ProducesProblems(400, 401, 403, 404);

        var prefs = app.MapGroup("/api/me/mail-preferences").WithTags("Members").RequireAuthorization();
        prefs.MapGet("/", async (ClaimsPrincipal user, AppDbContext db, CancellationToken ct) =>
        {
            var id = user.RequiredMemberId();
            var p = await db.MailPreferences.AsNoTracking().SingleOrDefaultAsync(x => x.MemberId == id, ct);
            return TypedResults.Ok(new MailPreferences(p?.Reminders ?? true));
        }).WithName("GetMailPreferences").WithSummary("Get your mail preferences").ProducesProblems(401)
            .WithDescription("Any signed-in member: which optional mail you receive (reminders are on until you turn them off).");
        prefs.MapPut("/", async Task<Results<Ok<MailPreferences>, ProblemHttpResult>> (MailPreferences request, ClaimsPrincipal user, AppDbContext db, CancellationToken ct) =>
            {
                if (request.Reminders is null) return Problems.InvalidField("reminders", "Required.");
                var id = user.RequiredMemberId();
                var p = await db.MailPreferences.SingleOrDefaultAsync(x => x.MemberId == id, ct);
                if (p is null) db.MailPreferences.Add(p = new MailPreference { MemberId = id });
                p.Reminders = request.Reminders.Value;
                await db.SaveChangesAsync(ct);
                return TypedResults.Ok(new MailPreferences(p.Reminders));
            })
            .WithName("SetMailPreferences").WithSummary("Set your mail preferences").ProducesProblems(400, 401)
            .WithDescription("Reminders can be turned off; essential mail (account, payment, cancellation) is always sent.");
    }

    private static RulesResponse View(Event e) => new(e.Id, e.ReminderRules,
        e.ReminderRules.Select(r => EventTime.Of(r.DueAt(e.StartsAt, e.TimeZone), e.TimeZone)).OrderBy(t => t.Utc).ToList());
}
