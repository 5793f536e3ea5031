using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Payments;

public sealed class PaymentOptions
{
    public const string Section = "Payments";

    /// <summary>Kept from a member's own cancellation refund (whole yen; never more than was paid).</summary>
    public int CancellationFeeYen { get; set; }

    public TimeSpan JobInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a member waits for a Checkout Session, Stripe.net's retries included (each attempt has
    /// Stripe:Timeout). After it they get 503 payment.unavailable and the seat stays held.
    /// </summary>
    public TimeSpan CheckoutBudget { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a Konbini payment may take: Stripe's vouchers expire after 3 days (at 23:59 JST); one more day of
    /// margin before reconciliation, having heard nothing, asks Stripe and fails it.
    /// </summary>
    public TimeSpan AsyncPaymentWindow { get; set; } = TimeSpan.FromDays(4);
}

/// <summary>Writes a refund row for a paid registration, in the caller's transaction, beside its cause.</summary>
public static class RefundRequests
{
    public static async Task<Refund?> RequestAsync(AppDbContext db, Guid registrationId, RefundReason reason, int? amountYen, DateTimeOffset now, CancellationToken cancellationToken, int feeYen = 0)
    {
        var payment = await db.Payments.SingleOrDefaultAsync(p => p.RegistrationId == registrationId && p.Status == PaymentStatus.Paid, cancellationToken);
        if (payment is null || payment.RefundableYen == 0) return null;
        var refund = payment.RequestRefund(Math.Min(amountYen ?? payment.RefundableYen, payment.RefundableYen), reason, now, feeYen);
        if (!refund.IsSuccess) return null;
        db.Refunds.Add(refund.Value!);
        return refund.Value;
    }
}

public static class RefundRegistration
{
    public sealed record Request(int? AmountYen);

    public sealed record Response(Guid RefundId, Guid RegistrationId, int AmountYen, RefundStatus Status, int RefundableYenLeft);

    /// <summary>An organizer refunds a registration fully (no amount) or partly; the total never exceeds what was paid.</summary>
    public sealed class Handler(AppDbContext db, TimeProvider time)
    {
        public async Task<Result<Response>> HandleAsync(ClaimsPrincipal user, Guid registrationId, Request request, CancellationToken cancellationToken)
        {
            var registration = await db.Registrations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == registrationId, cancellationToken);
            if (registration is null) return RegistrationErrors.NotFound;
            var e = await db.FindAsync(registration.EventId, cancellationToken);
            // The registration is visible to its member (403 for them); for anyone else it does not exist.
            if (EventAccess.ManageError(e, user) is { } denied) return registration.MemberId == user.RequiredMemberId() ? denied : RegistrationErrors.NotFound;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var payment = await db.Payments.FromSql($"SELECT * FROM payments WHERE registration_id = {registrationId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
            if (payment is null) return PaymentErrors.NotPaid;
            var refund = payment.RequestRefund(request.AmountYen ?? payment.RefundableYen, RefundReason.OrganizerRefund, time.GetUtcNow());
            if (!refund.IsSuccess) return refund.Error!;
            db.Refunds.Add(refund.Value!);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new Response(refund.Value!.Id, registrationId, refund.Value.AmountYen, refund.Value.Status, payment.RefundableYen);
        }
    }
}

/// <summary>refund.updated / refund.failed / charge.refunded: move our refund rows forward (never back).</summary>
public sealed class RefundUpdates(AppDbContext db, PaymentSettlement settlement, RefundSettlement settled, TimeProvider time)
{
    public async Task<bool> ApplyAsync(string stripeEventId, string type, Stripe.IHasObject? obj, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await settlement.RecordOnlyAsync(stripeEventId, type, cancellationToken)) return false;
        var now = time.GetUtcNow();
        if (type == Stripe.EventTypes.ChargeRefunded && obj is Stripe.Charge charge)
        {
            var paymentId = await db.Payments.Where(p => p.PaymentIntentId == charge.PaymentIntentId).Select(p => (Guid?)p.Id).SingleOrDefaultAsync(cancellationToken);
            if (paymentId is { } id)
            {
                // Locked refunds first, then the payment: the order the refund job takes them in (RefundSender).
                var sent = await db.Refunds.FromSql($"SELECT * FROM refunds WHERE payment_id = {id} AND stripe_refund_id IS NOT NULL ORDER BY created_at FOR UPDATE")
                    .ToListAsync(cancellationToken);
                var payment = await settled.LockPaymentAsync(id, cancellationToken);
                // Stripe's total is cumulative: every refund we sent that it covers has landed.
                long covered = 0;
                foreach (var r in sent)
                {
                    covered += r.AmountYen;
                    if (covered <= charge.AmountRefunded && r.Apply("succeeded", null, now)) await settled.SettleAsync(payment, r, now, cancellationToken);
                }
            }
        }
        else if (obj is Stripe.Refund stripeRefund)
        {
            // By Stripe's id, or (the answer to our request was lost) by our id in its metadata.
            Guid? ours = stripeRefund.Metadata is not null && stripeRefund.Metadata.TryGetValue(Infrastructure.Payments.StripePaymentGateway.RefundIdKey, out var raw)
                && Guid.TryParse(raw, out var parsed) ? parsed : null;
            // Locked, then its payment: the order the refund job takes them in (RefundSender), so the two never wait on each other.
            var refund = await db.Refunds.FromSql(
                    $"SELECT * FROM refunds WHERE stripe_refund_id = {stripeRefund.Id} OR (id = {ours ?? Guid.Empty} AND stripe_refund_id IS NULL) FOR UPDATE")
                .SingleOrDefaultAsync(cancellationToken);
            if (refund is { StripeRefundId: null }) refund.Sent(stripeRefund.Id, "pending", null, now);
            if (refund is not null && refund.Apply(type == Stripe.EventTypes.RefundFailed ? "failed" : stripeRefund.Status ?? "", stripeRefund.FailureReason, now))
            {
                var payment = await settled.LockPaymentAsync(refund.PaymentId, cancellationToken);
                if (refund.Status == RefundStatus.Failed) await settled.FailedAsync(payment, refund, now, cancellationToken);
                if (refund.Status == RefundStatus.Succeeded) await settled.SettleAsync(payment, refund, now, cancellationToken);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
