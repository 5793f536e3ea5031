using Assemble.Api.Common.Json;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Api.Hosting;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Microsoft.EntityFrameworkCore;
using Assemble.Infrastructure.Persistence;
using Assemble.Domain.Credentials;
using Assemble.Domain.Memberships;

namespace Assemble.Api.Features.Registrations;

/// <summary>
/// A member registers: 201 confirmed (free), 202 held for payment (or waiting for the organizer's approval),
/// 409 sold out / already registered, 422 for a broken rule. The domain checks the attempt, <see cref="ISeatAllocator"/>
/// takes the seat, and the registration's notice is mailed after the commit.
/// </summary>
public static class RegisterForEvent
{
    public sealed record AnswerRequest(Guid? QuestionId, [property: AllowLineBreaks] string? Text, List<string>? Choices);

    public sealed record Request([Required] Guid? TicketTypeId, int? Quantity, List<AnswerRequest>? Answers, bool? PledgeAccepted);

    public sealed class Handler(ISeatAllocator seats, TimeProvider time, AssembleMetrics metrics)
    {
        public async Task<Result<RegistrationView>> HandleAsync(ClaimsPrincipal user, Guid eventId, Request request, CancellationToken cancellationToken)
        {
            var result = await RegisterAsync(user, eventId, request, cancellationToken);
            metrics.RegistrationDecided(result.IsSuccess ? AssembleMetrics.OutcomeOf(result.Value!.Status) : result.Error!.Code);
            return result;
        }

        private async Task<Result<RegistrationView>> RegisterAsync(ClaimsPrincipal user, Guid eventId, Request request, CancellationToken cancellationToken)
        {
            if (Attempts.Invalid(request.TicketTypeId, request.Answers, "registration.invalid") is { } invalid) return invalid;
            // First against what the allocator keeps in memory. That copy may have changed since: the allocator says so
            // when it refuses the seat (Stale), and a check the domain refused on it (say for an e-mail confirmed a
            // moment ago) is made once more on what is read, which alone answers with that error.
            return await AttemptAsync(user, eventId, request, fresh: false, cancellationToken)
                ?? await AttemptAsync(user, eventId, request, fresh: true, cancellationToken)
                ?? throw new InvalidOperationException("A check made on what was just read is never stale.");
        }

        /// <summary>The registration's result; null when it rested on a stale copy, or, not <paramref name="fresh"/>, on a refused check.</summary>
        private async Task<Result<RegistrationView>?> AttemptAsync(ClaimsPrincipal user, Guid eventId, Request request, bool fresh, CancellationToken cancellationToken)
        {
            var quantity = request.Quantity ?? 1;
            var memberId = user.RequiredMemberId();
            var now = time.GetUtcNow();
            var check = await seats.CheckAsync(eventId, request.TicketTypeId!.Value, memberId, Math.Max(1, quantity), StandingDays.At(now), fresh, cancellationToken);
            if (check is SeatCheck.SoldOut) return RegistrationErrors.SoldOut;
            if (check is not SeatCheck.Ready ready || !ready.Event.CanSee(user)) return Refused(EventErrors.NotFound);
            var (e, member) = (ready.Event, ready.Member);

            var attempt = Attempts.Of(memberId, member, request.TicketTypeId.Value, quantity, request.Answers, request.PledgeAccepted);
            var allowed = e.CheckRegistration(attempt, now);
            if (!allowed.IsSuccess) return Refused(allowed.Error!);
            var registration = Registration.Start(e, attempt, now);
            var outcome = await seats.ReserveAsync(e, registration, cancellationToken);
            if (outcome == SeatOutcome.Stale) return null;
            return outcome == SeatOutcome.Taken ? RegistrationView.Of(registration, e) : RegistrationErrors.Of(outcome);

            Result<RegistrationView>? Refused(Error error) => fresh ? (Result<RegistrationView>)error : default(Result<RegistrationView>?);
        }
    }

    /// <summary>What a member brings to a registration or a waitlist place (the same rules apply to both).</summary>
    public static class Attempts
    {
        /// <summary>The shape errors a body can have before anything is read.</summary>
        public static Error? Invalid(Guid? ticketTypeId, List<AnswerRequest>? answers, string code)
        {
            if (ticketTypeId is null) return Error.Validation(code, new Dictionary<string, string[]> { ["ticketTypeId"] = ["Required."] });
            if ((answers ?? []).Any(a => a.QuestionId is null)) return Error.Validation(code, new Dictionary<string, string[]> { ["answers"] = ["Each answer names its questionId."] });
            return null;
        }

        public static RegistrationAttempt Of(Guid memberId, Registrant member, Guid ticketTypeId, int quantity, List<AnswerRequest>? answers, bool? pledge)
            => new(memberId, member.EmailConfirmed, member.VerifiedProfessions, member.ActiveMember, ticketTypeId, quantity,
                (answers ?? []).Select(a => new Answer(a.QuestionId!.Value, a.Text?.Trim(), a.Choices)).ToList(), pledge ?? false);

        /// <summary>The member's attempt, or null when the account is gone.</summary>
        public static async Task<RegistrationAttempt?> ForAsync(AppDbContext db, ClaimsPrincipal user, StandingDays days, Guid ticketTypeId, int quantity,
            List<AnswerRequest>? answers, bool? pledge, CancellationToken cancellationToken)
        {
            var memberId = user.RequiredMemberId();
            var confirmed = await db.Users.Where(u => u.Id == memberId).Select(u => (bool?)u.EmailConfirmed).SingleOrDefaultAsync(cancellationToken);
            if (confirmed is null) return null;
            var professions = await db.Credentials.Where(c => c.MemberId == memberId).Where(CredentialValidity.On(days.Credentials))
                .Select(c => c.Kind).Distinct().ToListAsync(cancellationToken);
            var activeMember = await db.MembershipPayments.Where(p => p.MemberId == memberId).AnyAsync(MembershipPeriod.ActiveOn(days.Membership), cancellationToken);
            return Of(memberId, new Registrant(confirmed.Value, professions.Order().ToList(), activeMember), ticketTypeId, quantity, answers, pledge);
        }
    }
}
