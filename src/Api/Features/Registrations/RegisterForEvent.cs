using Assemble.Api.Common.Json;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Email;
using Assemble.Api.Features.Events;
using Assemble.Api.Features.Members;
using Assemble.Api.Hosting;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Registrations;

/// <summary>
/// A member registers: 201 confirmed (free), 202 held for payment (or waiting for the organizer's approval),
/// 409 sold out / already registered, 422 for a broken rule. The seat is taken in <see cref="RegistrationLedger"/>.
/// </summary>
public static class RegisterForEvent
{
    public sealed record AnswerRequest(Guid? QuestionId, [property: AllowLineBreaks] string? Text, List<string>? Choices);

    public sealed record Request([Required] Guid? TicketTypeId, int? Quantity, List<AnswerRequest>? Answers, bool? PledgeAccepted);

    public sealed class Handler(AppDbContext db, RegistrationLedger ledger, EventCache events, SoldOutMemo soldOut, Viewers viewers, TimeProvider time,
        AssembleMetrics metrics)
    {
        public async Task<Result<RegistrationView>> HandleAsync(ClaimsPrincipal user, Guid eventId, Request request, CancellationToken cancellationToken)
        {
            var result = await RegisterAsync(user, eventId, request, cancellationToken);
            metrics.RegistrationDecided(result.IsSuccess ? AssembleMetrics.OutcomeOf(result.Value!.Status) : result.Error!.Code);
            return result;
        }

        private async Task<Result<RegistrationView>> RegisterAsync(ClaimsPrincipal user, Guid eventId, Request request, CancellationToken cancellationToken)
        {
            if (request.TicketTypeId is null)
                return Error.Validation("registration.invalid", new Dictionary<string, string[]> { ["ticketTypeId"] = ["Required."] });
            if ((request.Answers ?? []).Any(a => a.QuestionId is null))
                return Error.Validation("registration.invalid", new Dictionary<string, string[]> { ["answers"] = ["Each answer names its questionId."] });

            // One round trip: the seat counters with the event's version, and the member. Sold out as last read is
            // answered from it without loading anything or queueing for the event's lock (a seat freed a moment ago
            // goes to the waitlist anyway; the guarded statements in the ledger are what rule out an oversell).
            // After a sell-out the rush is answered from memory (SoldOutMemo): it only ever says "sold out", and
            // forgets as soon as anything in this process commits.
            var quantity = request.Quantity ?? 1;
            var seatsAsked = Math.Max(1, quantity);
            var memberId = user.RequiredMemberId();
            if (soldOut.KnowsSoldOut(eventId, request.TicketTypeId.Value, seatsAsked)) return RegistrationErrors.SoldOut;
            var stamp = soldOut.Stamp;
            var (seats, member) = await ledger.ReadAsync(eventId, request.TicketTypeId.Value, memberId, viewers.Today(), cancellationToken);
            if (seats is not null && seats.SoldOutFor(seatsAsked))
            {
                soldOut.Remember(eventId, request.TicketTypeId.Value, seats, stamp);
                return RegistrationErrors.SoldOut;
            }
            if (member is null) return EventErrors.NotFound;

            var e = await EventAsync(eventId, seats, cancellationToken);
            if (e is null || !e.CanSee(user)) return EventErrors.NotFound;
            var attempt = Attempt(memberId, member, request.TicketTypeId.Value, quantity, request.Answers, request.PledgeAccepted);
            var now = time.GetUtcNow();
            var check = e.CheckRegistration(attempt, now);
            if (!check.IsSuccess) return check.Error!;

            // The registration is written with what it raised; its mail is made after the commit (Notifier).
            var reserved = await ledger.ReserveAsync(e, attempt, now, cancellationToken);
            if (!reserved.IsSuccess) return reserved.Error!;
            return RegistrationView.Of(reserved.Value!, e);
        }

        /// <summary>
        /// The event with its ticket types and its sessions (the confirmation's .ics has one entry per session; one
        /// query, as most events have one session). For the one-statement seat path, which only reads it, the copy
        /// kept under the version just read; otherwise (the ledger then changes the event in memory under its lock)
        /// a fresh one.
        /// </summary>
        private Task<Event?> EventAsync(Guid eventId, RegistrationLedger.Seats? seats, CancellationToken cancellationToken)
        {
            Task<Event?> Load(CancellationToken token) => db.Events.AsNoTracking().Include(x => x.TicketTypes).Include(x => x.Sessions).AsSingleQuery().SingleOrDefaultAsync(x => x.Id == eventId, token);
            return seats is { OnePool: true }
                ? events.GetAsync(eventId, seats.Version, () => Load(CancellationToken.None))
                : Load(cancellationToken);
        }

        /// <summary>What the member brings (confirmed e-mail, verified professions) with the answers and the pledge.</summary>
        public async Task<RegistrationAttempt?> AttemptAsync(ClaimsPrincipal user, Guid ticketTypeId, int quantity, List<AnswerRequest>? answers, bool? pledge, CancellationToken cancellationToken)
        {
            var memberId = user.RequiredMemberId();
            return await ledger.ReadMemberAsync(memberId, viewers.Today(), cancellationToken) is { } member
                ? Attempt(memberId, member, ticketTypeId, quantity, answers, pledge)
                : null;
        }

        private static RegistrationAttempt Attempt(Guid memberId, RegistrationLedger.Registrant member, Guid ticketTypeId, int quantity, List<AnswerRequest>? answers, bool? pledge)
            => new(memberId, member.EmailConfirmed, member.VerifiedProfessions, ticketTypeId, quantity,
                (answers ?? []).Select(a => new Answer(a.QuestionId!.Value, a.Text?.Trim(), a.Choices)).ToList(), pledge ?? false);
    }
}
