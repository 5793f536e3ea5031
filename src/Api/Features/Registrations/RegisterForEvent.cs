using Assemble.Api.Common.Json;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Api.Features.Members;
using Assemble.Api.Hosting;
using Assemble.Domain.Common;
using Assemble.Domain.Events;

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

    public sealed class Handler(ISeatAllocator seats, Viewers viewers, TimeProvider time, AssembleMetrics metrics)
    {
        public async Task<Result<RegistrationView>> HandleAsync(ClaimsPrincipal user, Guid eventId, Request request, CancellationToken cancellationToken)
        {
            var result = await RegisterAsync(user, eventId, request, cancellationToken);
            metrics.RegistrationDecided(result.IsSuccess ? AssembleMetrics.OutcomeOf(result.Value!.Status) : result.Error!.Code);
            return result;
        }

        private async Task<Result<RegistrationView>> RegisterAsync(ClaimsPrincipal user, Guid eventId, Request request, CancellationToken cancellationToken)
        {
            if (RegistrationAttempts.Invalid(request.TicketTypeId, request.Answers, "registration.invalid") is { } invalid) return invalid;
            var quantity = request.Quantity ?? 1;
            var memberId = user.RequiredMemberId();
            var check = await seats.CheckAsync(eventId, request.TicketTypeId!.Value, memberId, Math.Max(1, quantity), viewers.Today(), cancellationToken);
            if (check is SeatCheck.SoldOut) return RegistrationErrors.SoldOut;
            if (check is not SeatCheck.Ready ready || !ready.Event.CanSee(user)) return EventErrors.NotFound;
            var (e, member) = (ready.Event, ready.Member);

            var attempt = RegistrationAttempts.Of(memberId, member, request.TicketTypeId.Value, quantity, request.Answers, request.PledgeAccepted);
            var now = time.GetUtcNow();
            var allowed = e.CheckRegistration(attempt, now);
            if (!allowed.IsSuccess) return allowed.Error!;
            var registration = Registration.Start(e, attempt, now);
            var outcome = await seats.ReserveAsync(e, registration, cancellationToken);
            return outcome == SeatOutcome.Taken ? RegistrationView.Of(registration, e) : RegistrationErrors.Of(outcome);
        }
    }
}
