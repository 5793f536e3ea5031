using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Api.Features.Members;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
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

            var e = await db.FindAsync(eventId, cancellationToken);
            if (e is null || !e.CanSee(user)) return EventErrors.NotFound;
            var attempt = await AttemptAsync(user, request.TicketTypeId.Value, request.Quantity ?? 1, request.Answers, request.PledgeAccepted, cancellationToken);
            var now = time.GetUtcNow();
            var check = e.CheckRegistration(attempt, now);
            if (!check.IsSuccess) return check.Error!;

            var reserved = await ledger.ReserveAsync(e, attempt, now, cancellationToken);
            if (!reserved.IsSuccess) return reserved.Error!;
            return RegistrationView.Of(reserved.Value!, e);
        }

        /// <summary>What the member brings: confirmed e-mail, verified professions, answers and the pledge.</summary>
        public async Task<RegistrationAttempt> AttemptAsync(ClaimsPrincipal user, Guid ticketTypeId, int quantity, List<AnswerRequest>? answers, bool? pledge, CancellationToken cancellationToken)
        {
            var memberId = user.RequiredMemberId();
            var confirmed = await db.Users.Where(u => u.Id == memberId).Select(u => u.EmailConfirmed).SingleAsync(cancellationToken);
            var verified = (await viewers.VerifiedProfessionsAsync([memberId], cancellationToken)).GetValueOrDefault(memberId) ?? [];
            return new RegistrationAttempt(memberId, confirmed, verified, ticketTypeId, quantity,
                (answers ?? []).Select(a => new Answer(a.QuestionId!.Value, a.Text?.Trim(), a.Choices)).ToList(), pledge ?? false);
        }
    }
}
