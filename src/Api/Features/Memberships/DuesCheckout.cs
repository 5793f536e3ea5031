using Assemble.Api.Features.Payments;
using Assemble.Domain.Common;
using Assemble.Domain.Credentials;
using Assemble.Domain.Memberships;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Memberships;

/// <summary>
/// A member pays dues by card through Stripe Checkout, on the ticket's machinery (<see cref="CheckoutSessions"/>,
/// the webhook, reconciliation, refunds). One payment of dues is under way per member (a partial unique index): asking
/// again returns its session; asking for another plan, or after its session ran out, first ends it at Stripe. The
/// membership itself is recorded only when Stripe reports the money (<see cref="DuesRecorder.RecordCardAsync"/>).
/// </summary>
public static class DuesCheckout
{
    public sealed record Request(string? PlanCode);

    /// <param name="CheckoutUrl">Where to send the member: Stripe's page, the same until <paramref name="ExpiresAt"/>.</param>
    public sealed record Response(Guid PaymentId, string PlanCode, int AmountYen, PaymentStatus Status, string? CheckoutUrl, DateTimeOffset? ExpiresAt);

    /// <summary>How long a dues session stays open (Checkout allows 30 minutes to 24 hours).</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(1);

    /// <summary>A session this close to its end is not handed out again: the member could not finish paying in it.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);

    public static readonly Error PaymentPending = new("membership.payment_pending",
        "A konbini payment of your dues is under way. Pay it at the shop, or wait until its voucher expires.", ErrorKind.Conflict);

    /// <summary>Stripe did not answer while an open payment was being ended: it may have been paid meanwhile.</summary>
    public static readonly Error Unavailable = new("payment.unavailable",
        "The payment service did not answer in time. Try again shortly: dues already paid are never asked for twice.", ErrorKind.Unavailable);

    public static readonly Error JustPaid = new("membership.payment_settled",
        "Your earlier payment of dues has just gone through. Check your membership before paying again.", ErrorKind.Conflict);

    public sealed class Handler(AppDbContext db, DuesRecorder dues, CheckoutSessions sessions, IServiceScopeFactory scopes, TimeProvider time)
    {
        public async Task<Result<Response>> HandleAsync(Guid me, Request request, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(request.PlanCode)) return MembershipPlan.Unknown;
            // The second round comes only after an earlier payment was ended at Stripe.
            for (var round = 0; round < 2; round++)
            {
                var now = time.GetUtcNow();
                var under = await UnderWayAsync(me, request.PlanCode, now, cancellationToken);
                if (!under.IsSuccess) return under.Error!;
                var payment = under.Value!;
                if (payment.SessionEndRequestedAt is null)
                {
                    var opened = await sessions.OpenAsync(payment, TermsAsync, null, cancellationToken);
                    return opened.IsSuccess ? ViewOf(opened.Value!) : opened.Error!;
                }
                // Another plan, or a session run out: end it at Stripe (its session learnt first, if its answer was lost),
                // or here when no session can be open (its key retired after a refusal, or its terms run out).
                if (payment.CheckoutSessionId is null && (payment.CheckoutTerms is not { } terms || terms.ExpiresAt <= now))
                {
                    payment.MarkUnpaid(PaymentStatus.Expired);
                    await db.SaveChangesAsync(cancellationToken);
                    db.ChangeTracker.Clear();
                    continue;
                }
                if (payment.CheckoutSessionId is null && !(await sessions.OpenAsync(payment, TermsAsync, null, cancellationToken)).IsSuccess)
                    return Unavailable;
                if (!await CheckoutReconciliation.AskAsync(scopes, payment.Id, payment.CheckoutSessionId!, now, cancellationToken)) return Unavailable;
                db.ChangeTracker.Clear();
                // Paid after all (the member finished it in another tab; its webhook had not come): never a second checkout.
                var ended = await db.Payments.AsNoTracking().Where(p => p.Id == payment.Id).Select(p => p.Status).SingleAsync(cancellationToken);
                if (ended == PaymentStatus.AwaitingAsyncPayment) return PaymentPending;
                if (ended is PaymentStatus.Paid or PaymentStatus.NeedsReview) return JustPaid;
            }
            return Unavailable;
        }

        /// <summary>
        /// Under the member's row lock: the payment of dues under way when it is for this plan and its session has time
        /// left; otherwise, once the plan is checked (<see cref="MembershipPlan.PayableBy"/>), the one under way marked
        /// to end, or a new one for the plan when none is.
        /// </summary>
        private async Task<Result<Payment>> UnderWayAsync(Guid me, string planCode, DateTimeOffset now, CancellationToken cancellationToken)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await dues.LockMemberAsync(me, cancellationToken);
            var current = await db.Payments.SingleOrDefaultAsync(p => p.MemberId == me && p.Purpose == PaymentPurpose.Dues
                && (p.Status == PaymentStatus.CheckoutOpen || p.Status == PaymentStatus.AwaitingAsyncPayment), cancellationToken);
            if (current is { Status: PaymentStatus.AwaitingAsyncPayment }) return PaymentPending;
            if (current is { SessionEndRequestedAt: null } && current.PlanCode == planCode && (current.CheckoutExpiresAt ?? current.CheckoutTerms?.ExpiresAt) > now + Margin)
                return current;
            if (current is { SessionEndRequestedAt: not null }) return current;

            // Anything else would start a new payment: the plan is checked before an open one is given up for it.
            var plan = await db.MembershipPlans.AsNoTracking().SingleOrDefaultAsync(p => p.Code == planCode, cancellationToken);
            if (plan is null) return MembershipPlan.Unknown;
            var today = MembershipPayment.DayInJapan(now);
            var professions = await db.Credentials.Where(c => c.MemberId == me).Where(CredentialValidity.On(today)).Select(c => c.Kind).Distinct().ToListAsync(cancellationToken);
            var payable = plan.PayableBy(professions, await dues.PaidBeforeAsync(me, cancellationToken), today);
            if (!payable.IsSuccess) return payable.Error!;
            if (current is not null) current.RequestSessionEnd(now);
            else
            {
                current = Payment.StartDues(me, plan.Code, plan.PriceYen, now);
                await TermsAsync(current, now, cancellationToken);
                db.Payments.Add(current);
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return current;
        }

        /// <summary>What an attempt sends: the payment's amount (the plan's price when the member chose it), for an hour.</summary>
        private async Task<CheckoutTerms> TermsAsync(Payment payment, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var plan = await db.MembershipPlans.AsNoTracking().Where(p => p.Code == payment.PlanCode).Select(p => p.Name).SingleAsync(cancellationToken);
            var (email, locale) = await sessions.BuyerAsync(payment.MemberId, cancellationToken);
            return payment.TermsFor($"{plan} 年会費", 1, email, locale, now + SessionLifetime, sessions.SuccessUrl, sessions.Page($"/checkout/cancel?dues={payment.Id}"), now);
        }

        private static Response ViewOf(Payment p) => new(p.Id, p.PlanCode!, p.AmountYen, p.Status, p.CheckoutUrl, p.CheckoutExpiresAt);
    }
}
