using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Api.Hosting;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Assemble.Api.Features.Registrations;

public static class JoinWaitlist
{
    public sealed record Request([Required] Guid? TicketTypeId, List<RegisterForEvent.AnswerRequest>? Answers, bool? PledgeAccepted);

    /// <summary>Only when sold out; the same rules as registering apply, so a promoted member can take the seat as is.</summary>
    public sealed class Handler(AppDbContext db, SeatKeeper seats, TimeProvider time, AssembleMetrics metrics)
    {
        public async Task<Result<WaitlistView>> HandleAsync(ClaimsPrincipal user, Guid eventId, Request request, CancellationToken cancellationToken)
        {
            if (RegisterForEvent.Attempts.Invalid(request.TicketTypeId, request.Answers, "waitlist.invalid") is { } invalid) return invalid;
            var now = time.GetUtcNow();
            if (await RegisterForEvent.Attempts.ForAsync(db, user, StandingDays.At(now), request.TicketTypeId!.Value, 1, request.Answers, request.PledgeAccepted, cancellationToken) is not { } attempt)
                return EventErrors.NotFound;

            var locked = await seats.LockAsync(eventId, cancellationToken);
            if (locked is not { } l) return EventErrors.NotFound;
            await using var transaction = l.Transaction;
            var e = l.Event;
            if (!e.CanSee(user)) return EventErrors.NotFound;
            var check = e.CheckRegistration(attempt, now);
            if (!check.IsSuccess) return check.Error!;
            var ticketType = e.TicketTypes.First(t => t.Id == attempt.TicketTypeId);
            if (e.SeatsLeft > 0 && ticketType.HasRoomFor(1)) return WaitlistErrors.NotSoldOut;
            if (await db.Registrations.Where(r => r.EventId == eventId && r.MemberId == attempt.MemberId)
                    .Where(RegistrationStatuses.ActiveRegistration).AnyAsync(cancellationToken))
                return RegistrationErrors.AlreadyRegistered;

            var entry = WaitlistEntry.Join(eventId, attempt.MemberId, ticketType.Id, attempt.Answers, attempt.PledgeAccepted, now);
            db.WaitlistEntries.Add(entry);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                return WaitlistErrors.AlreadyWaiting;
            }
            await transaction.CommitAsync(cancellationToken);
            metrics.RegistrationDecided("waitlisted");
            return await GetMyWaitlistPlace.ViewAsync(db, entry, cancellationToken);
        }
    }
}

public static class LeaveWaitlist
{
    public sealed class Handler(SeatKeeper seats, TimeProvider time)
    {
        /// <summary>Leaving with an open offer gives the held seat to the next in line.</summary>
        public Task<Result> HandleAsync(ClaimsPrincipal user, Guid eventId, CancellationToken cancellationToken)
            => seats.LeaveWaitlistAsync(eventId, user.RequiredMemberId(), time.GetUtcNow(), cancellationToken);
    }
}

public static class GetMyWaitlistPlace
{
    public sealed class Handler(AppDbContext db)
    {
        public async Task<Result<WaitlistView>> HandleAsync(ClaimsPrincipal user, Guid eventId, CancellationToken cancellationToken)
        {
            var memberId = user.RequiredMemberId();
            var entry = await db.WaitlistEntries.AsNoTracking().SingleOrDefaultAsync(
                w => w.EventId == eventId && w.MemberId == memberId && (w.Status == WaitlistStatus.Waiting || w.Status == WaitlistStatus.Offered), cancellationToken);
            if (entry is null) return WaitlistErrors.NotWaiting;
            return await ViewAsync(db, entry, cancellationToken);
        }
    }

    /// <summary>Position 1 is next in line; members holding an offer are not counted ahead of anyone.</summary>
    public static async Task<WaitlistView> ViewAsync(AppDbContext db, WaitlistEntry entry, CancellationToken cancellationToken)
    {
        int? position = null;
        if (entry.Status == WaitlistStatus.Waiting)
            position = 1 + await db.WaitlistEntries.CountAsync(w => w.EventId == entry.EventId && w.Status == WaitlistStatus.Waiting
                && (w.JoinedAt < entry.JoinedAt || (w.JoinedAt == entry.JoinedAt && w.Id.CompareTo(entry.Id) < 0)), cancellationToken);
        return new WaitlistView(entry.Id, entry.EventId, entry.Status, position, entry.JoinedAt, entry.OfferExpiresAt);
    }
}

public static class RespondToWaitlistOffer
{
    /// <summary>
    /// Accepting turns the held seat into a registration (confirmed if free, held for payment if paid); declining
    /// passes it to the next in line. The offer is the member's own: anyone else gets 404.
    /// </summary>
    public sealed class Handler(AppDbContext db, SeatKeeper seats, TimeProvider time)
    {
        public Task<Result<RegistrationView>> AcceptAsync(ClaimsPrincipal user, Guid offerId, CancellationToken cancellationToken)
            => RespondAsync(user, offerId, async (l, entry, now) =>
            {
                var e = l.Event;
                var accepted = entry.Accept(now);
                if (!accepted.IsSuccess) return accepted.Error!;
                if (await RegisterForEvent.Attempts.ForAsync(db, user, StandingDays.At(now), entry.TicketTypeId, 1,
                        entry.Answers.Select(a => new RegisterForEvent.AnswerRequest(a.QuestionId, a.Text, a.Choices?.ToList())).ToList(), entry.PledgeAccepted, cancellationToken)
                    is not { } attempt) return EventErrors.NotFound;
                // The seat is already counted for this offer; the registration takes it over.
                var registration = Registration.Start(e, attempt, now, entry.Id);
                db.Registrations.Add(registration);
                return Result<Func<Task<RegistrationView>>>.Success(() => Task.FromResult(RegistrationView.Of(registration, e)));
            }, cancellationToken);

        public Task<Result<WaitlistView>> DeclineAsync(ClaimsPrincipal user, Guid offerId, CancellationToken cancellationToken)
            => RespondAsync(user, offerId, async (l, entry, now) =>
            {
                var declined = entry.Decline(now);
                if (!declined.IsSuccess) return declined.Error!;
                l.Event.ReturnSeats(entry.TicketTypeId, 1, await l.WaitingAsync(cancellationToken), now);
                return Result<Func<Task<WaitlistView>>>.Success(() => GetMyWaitlistPlace.ViewAsync(db, entry, cancellationToken));
            }, cancellationToken);

        /// <summary>Finds the member's own offer, locks its event, applies the response, commits, then builds the answer.</summary>
        private async Task<Result<T>> RespondAsync<T>(
            ClaimsPrincipal user, Guid offerId, Func<SeatKeeper.Locked, WaitlistEntry, DateTimeOffset, Task<Result<Func<Task<T>>>>> respond, CancellationToken cancellationToken)
        {
            var found = await FindAsync(user, offerId, cancellationToken);
            if (found.Error is { } missing) return missing;
            var now = time.GetUtcNow();
            var locked = await seats.LockAsync(found.Value!.EventId, cancellationToken);
            if (locked is not { } l) return WaitlistErrors.OfferNotFound;
            await using var transaction = l.Transaction;
            var entry = await db.WaitlistEntries.SingleAsync(w => w.Id == offerId, cancellationToken);
            var responded = await respond(l, entry, now);
            if (!responded.IsSuccess) return responded.Error!;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return await responded.Value!();
        }

        private async Task<Result<WaitlistEntry>> FindAsync(ClaimsPrincipal user, Guid offerId, CancellationToken cancellationToken)
        {
            var memberId = user.RequiredMemberId();
            var entry = await db.WaitlistEntries.AsNoTracking().SingleOrDefaultAsync(w => w.Id == offerId && w.MemberId == memberId, cancellationToken);
            return entry is null ? WaitlistErrors.OfferNotFound : entry;
        }
    }
}
