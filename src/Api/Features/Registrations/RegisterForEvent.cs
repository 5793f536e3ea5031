using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Email;
using Assemble.Api.Features.Events;
using Assemble.Api.Features.Members;
using Assemble.Domain.Common;
using Assemble.Domain.Credentials;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Registrations;

/// <summary>
/// A member registers: 201 confirmed (free), 202 held for payment (or waiting for the organizer's approval),
/// 409 sold out / already registered, 422 for a broken rule. The seat is taken in <see cref="RegistrationLedger"/>.
/// </summary>
public static class RegisterForEvent
{
    public sealed record AnswerRequest(Guid? QuestionId, string? Text, List<string>? Choices);

    public sealed record Request(Guid? TicketTypeId, int? Quantity, List<AnswerRequest>? Answers, bool? PledgeAccepted);

    public sealed class Handler(AppDbContext db, RegistrationLedger ledger, Viewers viewers, TimeProvider time)
    {
        public async Task<Result<RegistrationView>> HandleAsync(ClaimsPrincipal user, Guid eventId, Request request, CancellationToken cancellationToken)
        {
            if (request.TicketTypeId is null)
                return Error.Validation("registration.invalid", new Dictionary<string, string[]> { ["ticketTypeId"] = ["Required."] });
            if ((request.Answers ?? []).Any(a => a.QuestionId is null))
                return Error.Validation("registration.invalid", new Dictionary<string, string[]> { ["answers"] = ["Each answer names its questionId."] });

            // Sold out as last read: answer from a small read of the two counters, before anything else is loaded
            // and without queueing for the event's lock. (A seat freed a moment ago goes to the waitlist anyway;
            // the lock in the ledger is what guarantees there is no oversell.)
            var quantity = Math.Max(1, request.Quantity ?? 1);
            var seats = await db.TicketTypes.AsNoTracking()
                .Where(t => t.Id == request.TicketTypeId && t.EventId == eventId)
                .Join(db.Events, t => t.EventId, x => x.Id, (t, x) => new { x.Status, x.RequiresApproval, x.Capacity, EventTaken = x.SeatsTaken, t.Quota, TypeTaken = t.SeatsTaken })
                .SingleOrDefaultAsync(cancellationToken);
            if (seats is { Status: EventStatus.Published, RequiresApproval: false }
                && (seats.EventTaken + quantity > seats.Capacity || (seats.Quota is { } quota && seats.TypeTaken + quantity > quota)))
                return RegistrationErrors.SoldOut;

            // One query: the event with its ticket types (sessions are not needed to register).
            var e = await db.Events.AsNoTracking().Include(x => x.TicketTypes).SingleOrDefaultAsync(x => x.Id == eventId, cancellationToken);
            if (e is null || !e.CanSee(user)) return EventErrors.NotFound;
            var (attempt, recipient) = await MemberAsync(user, request.TicketTypeId.Value, request.Quantity ?? 1, request.Answers, request.PledgeAccepted, cancellationToken);
            var now = time.GetUtcNow();
            var check = e.CheckRegistration(attempt, now);
            if (!check.IsSuccess) return check.Error!;

            // The mail is rendered from memory while the seat is locked and written in the same batch as the seat.
            var reserved = await ledger.ReserveAsync(e, attempt, now, (registration, row) =>
                recipient is not null && Notices.Render(row, e, recipient, registration.Status == RegistrationStatus.Confirmed, registration, null, now) is { } mail ? [mail] : [],
                cancellationToken);
            if (!reserved.IsSuccess) return reserved.Error!;
            return RegistrationView.Of(reserved.Value!, e);
        }

        /// <summary>What the member brings: confirmed e-mail, verified professions, answers and the pledge.</summary>
        public async Task<RegistrationAttempt> AttemptAsync(ClaimsPrincipal user, Guid ticketTypeId, int quantity, List<AnswerRequest>? answers, bool? pledge, CancellationToken cancellationToken)
            => (await MemberAsync(user, ticketTypeId, quantity, answers, pledge, cancellationToken)).Attempt;

        /// <summary>The attempt, and where and in which language to write to the member, in one query.</summary>
        private async Task<(RegistrationAttempt Attempt, Notices.Recipient? Recipient)> MemberAsync(
            ClaimsPrincipal user, Guid ticketTypeId, int quantity, List<AnswerRequest>? answers, bool? pledge, CancellationToken cancellationToken)
        {
            var memberId = user.RequiredMemberId();
            var today = viewers.Today();
            // One query: the e-mail confirmation and the verified, unexpired credential kinds.
            var member = await db.Users.Where(u => u.Id == memberId)
                .Select(u => new
                {
                    u.EmailConfirmed,
                    u.Email,
                    Language = db.MemberProfiles.Where(p => p.Id == memberId).Select(p => (PreferredLanguage?)p.PreferredLanguage).FirstOrDefault(),
                    Verified = db.Credentials
                        .Where(c => c.MemberId == memberId && c.Status == CredentialStatus.Verified && (c.ExpiresOn == null || c.ExpiresOn >= today))
                        .Select(c => c.Kind).ToList(),
                })
                .SingleAsync(cancellationToken);
            var verified = member.Verified.Distinct().Order().ToList();
            var attempt = new RegistrationAttempt(memberId, member.EmailConfirmed, verified, ticketTypeId, quantity,
                (answers ?? []).Select(a => new Answer(a.QuestionId!.Value, a.Text?.Trim(), a.Choices)).ToList(), pledge ?? false);
            return (attempt, member.Email is null ? null : new Notices.Recipient(memberId, member.Email, member.Language ?? PreferredLanguage.Ja));
        }
    }
}
