using System.Security.Claims;
using Assemble.Api.Features.Events;
using Assemble.Domain.Common;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Payments;

/// <summary>
/// What needs a person about money: problems recorded by the webhook and reconciliation (amount mismatches,
/// unmatched or conflicting events, sessions Stripe no longer knows), refunds not yet settled with Stripe (with
/// why), refunds that failed (with Stripe's reason), and payments held for review. Admins see every event's,
/// organizers their own event's (unmatched events belong to no event, so only admins see those).
/// </summary>
public static class ListMoneyProblems
{
    /// <summary>Each list holds the most recent rows, at most this many.</summary>
    public const int Limit = 200;

    public sealed record MoneyProblem(Guid Id, PaymentProblemKind Kind, Guid? PaymentId, Guid? EventId, string? StripeEventId, string? StripeObjectId, string Detail, DateTimeOffset CreatedAt);

    /// <param name="RegistrationId">Null (with the event) for a refund of dues.</param>
    public sealed record RefundLine(Guid RefundId, Guid PaymentId, Guid? RegistrationId, Guid? EventId, int AmountYen, RefundReason Reason, RefundStatus Status,
        int Attempts, string? LastError, string? FailureReason, DateTimeOffset? NextAttemptAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    /// <param name="RegistrationId">Null (with the event) for dues.</param>
    public sealed record PaymentLine(Guid PaymentId, Guid? RegistrationId, Guid? EventId, int AmountYen, PaymentStatus Status, string? CheckoutSessionId, DateTimeOffset CreatedAt);

    public sealed record Response(IReadOnlyList<MoneyProblem> Problems, IReadOnlyList<RefundLine> UnsettledRefunds, IReadOnlyList<RefundLine> FailedRefunds,
        IReadOnlyList<PaymentLine> PaymentsNeedingReview);

    public sealed class Handler(AppDbContext db)
    {
        /// <summary>Every event's (admins: the route's policy says who).</summary>
        public Task<Response> AllAsync(CancellationToken cancellationToken) => ListAsync(null, cancellationToken);

        /// <summary>One event's, for its organizers (404 for anyone who cannot see it, 403 for those who see but do not manage it).</summary>
        public async Task<Result<Response>> ForEventAsync(ClaimsPrincipal user, Guid eventId, CancellationToken cancellationToken)
        {
            var e = await db.FindAsync(eventId, cancellationToken);
            if (EventAccess.ManageError(e, user) is { } denied) return denied;
            return await ListAsync(eventId, cancellationToken);
        }

        private async Task<Response> ListAsync(Guid? eventId, CancellationToken cancellationToken)
        {
            var problems = db.PaymentProblems.AsNoTracking().Where(p => eventId == null || p.EventId == eventId);
            var refunds = db.Refunds.AsNoTracking().Where(r => eventId == null || r.EventId == eventId);
            var payments = db.Payments.AsNoTracking().Where(p => eventId == null || p.EventId == eventId);
            return new Response(
                await problems.OrderByDescending(p => p.CreatedAt).Take(Limit)
                    .Select(p => new MoneyProblem(p.Id, p.Kind, p.PaymentId, p.EventId, p.StripeEventId, p.StripeObjectId, p.Detail, p.CreatedAt)).ToListAsync(cancellationToken),
                await Lines(refunds.Where(r => r.Status == RefundStatus.Requested || r.Status == RefundStatus.Unknown).OrderBy(r => r.CreatedAt), cancellationToken),
                await Lines(refunds.Where(r => r.Status == RefundStatus.Failed).OrderByDescending(r => r.UpdatedAt), cancellationToken),
                await payments.Where(p => p.Status == PaymentStatus.NeedsReview).OrderByDescending(p => p.CreatedAt).Take(Limit)
                    .Select(p => new PaymentLine(p.Id, p.RegistrationId, p.EventId, p.AmountYen, p.Status, p.CheckoutSessionId, p.CreatedAt)).ToListAsync(cancellationToken));
        }

        private static Task<List<RefundLine>> Lines(IQueryable<Refund> refunds, CancellationToken cancellationToken)
            => refunds.Take(Limit).Select(r => new RefundLine(r.Id, r.PaymentId, r.RegistrationId, r.EventId, r.AmountYen, r.Reason, r.Status, r.Attempts,
                r.LastError, r.FailureReason, r.NextAttemptAt, r.CreatedAt, r.UpdatedAt)).ToListAsync(cancellationToken);
    }
}
