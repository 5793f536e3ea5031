using Assemble.Api.Common.Json;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Email;

/// <summary>
/// An organizer writes to an event's attendees (confirmed by default, or other statuses), through the outbox.
/// Limited to 5 messages per event per hour, so an attendee's inbox is not flooded; each send is audited.
/// </summary>
public static class MessageAttendees
{
    public const int PerEventPerHour = 5;

    public sealed record Request([Required] string? Subject, [Required][property: AllowLineBreaks] string? Body, List<RegistrationStatus>? Statuses);

    public sealed record Response(int Recipients);

    public static readonly Error TooMany = new("message.rate_limited", $"At most {PerEventPerHour} messages per event per hour.", ErrorKind.Conflict);

    public static void MapMessageEndpoints(this IEndpointRouteBuilder app)
        => app.MapPost("/api/events/{id:guid}/messages", async Task<Results<Ok<Response>, ProblemHttpResult>> (
                Guid id, Request request, ClaimsPrincipal user, AppDbContext db, TimeProvider time,
                IDataProtectionProvider protection, PublicLinks links, CancellationToken ct) =>
            {
                var errors = new Dictionary<string, string[]>();
                if (string.IsNullOrWhiteSpace(request.Subject) || request.Subject.Length > 150) errors["subject"] = ["Give a subject of 1 to 150 characters."];
                else if (!SingleLineText.IsSingleLine(request.Subject)) errors["subject"] = [SingleLineText.Problem];
                if (string.IsNullOrWhiteSpace(request.Body) || request.Body.Length > 5000) errors["body"] = ["Give a message of 1 to 5,000 characters."];
                if (errors.Count > 0) return Error.Validation("message.invalid", errors).ToProblem();
                var e = await db.FindAsync(id, ct);
                if (EventAccess.ManageError(e, user) is { } denied) return denied.ToProblem();

                var now = time.GetUtcNow();
                var since = now.AddHours(-1);
                if (await db.AuditEntries.CountAsync(a => a.TargetId == id && a.Action == "event.messaged" && a.OccurredAt > since, ct) >= PerEventPerHour)
                    return TooMany.ToProblem();
                var statuses = request.Statuses is { Count: > 0 } s ? s : [RegistrationStatus.Confirmed];
                // Members who turned reminders off (in their settings or by a List-Unsubscribe click) get no messages either.
                var recipients = await db.Registrations.Where(r => r.EventId == id && statuses.Contains(r.Status))
                    .WhoAcceptOptionalMail(db)
                    .Join(db.Users, r => r.MemberId, u => u.Id, (_, u) => new { u.Id, u.Email }).Distinct().ToListAsync(ct);
                foreach (var r in recipients.Where(r => r.Email is not null))
                {
                    var link = Unsubscribe.Link(protection, links, r.Id);
                    db.OutboxEmails.Add(new OutboxEmail(r.Email!, $"【{e!.Title}】{request.Subject!.Trim()}",
                        $"{request.Body!.Trim()}\n\n— {e.Title} 主催者より / from the organizers\n\n配信停止 / Unsubscribe: {link}", null, essential: false, now)
                        .WithUnsubscribeLink(link));
                }
                db.AuditEntries.Add(new AuditEntry(user.RequiredMemberId(), "event.messaged", "event", id, now, $"recipients={recipients.Count}"));
                await db.SaveChangesAsync(ct);
                return TypedResults.Ok(new Response(recipients.Count));
            })
            .RequireAuthorization().WithTags("Events").WithName(nameof(MessageAttendees)).WithSummary("Send a message to an event's attendees")
            .WithDescription("The event's organizers: mails the attendees (only those whose registration is in `statuses`, when given). Members who turned reminders off in their mail preferences are left out. At most 5 messages per event per hour (409 `message.rate_limited`).").ProducesProblems(400, 401, 403, 404, 409);
}
