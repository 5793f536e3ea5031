using Assemble.Api.Features.Registrations;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Payments;

/// <summary>What Stripe says happened to a Checkout Session (from a webhook or from asking Stripe).</summary>
public enum SessionOutcome { Paid, AwaitingAsyncPayment, Failed, Expired, StillOpen }

/// <summary>
/// One report about one session: what happened, and the money Stripe says it took. <paramref name="At"/> is when it
/// happened at Stripe (a webhook's event time; null when reconciliation asked): the day a receipt and dues are dated,
/// however late the report arrives.
/// </summary>
public sealed record SessionReport(SessionOutcome Outcome, string SessionId, string? PaymentIntentId, long? AmountTotal, string? Currency, DateTimeOffset? At = null)
{
    /// <summary>When the money arrived: Stripe's time, never later than <paramref name="now"/> (clocks differ).</summary>
    public DateTimeOffset PaidAt(DateTimeOffset now) => At is { } at && at < now ? at : now;
}

/// <summary>
/// Applies a Checkout Session's outcome to its payment, moving only forward: a ticket's under its event's lock, with
/// its registration; dues under the member's row lock, where the money becomes a membership period. A webhook passes
/// its event id, recorded in the same transaction (a repeat does nothing); the reconciliation job passes none. Money
/// is taken as paid only when Stripe's amount and currency are the payment's; anything else is held for a person
/// (<see cref="PaymentProblemKind.AmountMismatch"/>).
/// </summary>
public sealed class PaymentSettlement(AppDbContext db, SeatKeeper seats, Memberships.DuesRecorder dues, TimeProvider time, IOptions<PaymentOptions> options,
    IOptions<Receipts.ReceiptOptions> receipts)
{
    /// <summary>Returns false when <paramref name="stripeEventId"/> had been handled already.</summary>
    public async Task<bool> SettleAsync(Guid paymentId, SessionReport report, string? stripeEventId, string? stripeEventType, CancellationToken cancellationToken)
    {
        var target = await db.Payments.Where(p => p.Id == paymentId).Select(p => new { p.EventId, p.MemberId }).SingleAsync(cancellationToken);
        return target.EventId is { } eventId
            ? await SettleTicketAsync(eventId, paymentId, report, stripeEventId, stripeEventType, cancellationToken)
            : await SettleDuesAsync(target.MemberId, paymentId, report, stripeEventId, stripeEventType, cancellationToken);
    }

    private async Task<bool> SettleTicketAsync(Guid eventId, Guid paymentId, SessionReport report, string? stripeEventId, string? stripeEventType, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var locked = await seats.LockAsync(eventId, cancellationToken);
        if (locked is not { } l) return true;
        await using var transaction = l.Transaction;
        if (stripeEventId is not null && !await RecordAsync(stripeEventId, stripeEventType!, now, cancellationToken)) return false;

        var e = l.Event;
        var payment = await PaymentAsync(paymentId, report, now, cancellationToken);
        var registration = await db.Registrations.SingleAsync(x => x.Id == payment.RegistrationId, cancellationToken);
        switch (report.Outcome)
        {
            case SessionOutcome.Paid or SessionOutcome.AwaitingAsyncPayment when !payment.Matches(report.AmountTotal, report.Currency):
                HoldForReview(payment, report, stripeEventId, now);
                break;
            case SessionOutcome.Paid:
                if (payment.MarkPaid(report.PaymentIntentId, report.PaidAt(now)))
                {
                    ConfirmSeat(e, registration, payment, now);
                    // The money came, so its receipt is issued even when no seat could be given (the refund gets a return invoice).
                    await Receipts.Receipts.IssueTicketSaleAsync(db, receipts.Value, e, registration, payment, now, cancellationToken);
                }
                break;
            case SessionOutcome.AwaitingAsyncPayment:
                // Konbini: the seat waits for the shop payment until the voucher's deadline, whatever the hold said.
                var deadline = now + options.Value.AsyncPaymentWindow;
                if (payment.MarkAwaitingAsyncPayment(report.PaymentIntentId, deadline)) registration.ExtendHold(deadline);
                break;
            case SessionOutcome.Failed or SessionOutcome.Expired:
                if (payment.MarkUnpaid(report.Outcome == SessionOutcome.Expired ? PaymentStatus.Expired : PaymentStatus.Failed) && registration.EndHoldUnpaid(now))
                {
                    e.ReturnSeats(registration.TicketTypeId, registration.Quantity, await l.WaitingAsync(cancellationToken), now);
                }
                break;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Dues: paid once, however often it is reported (the unique payment_id of membership_payments backs MarkPaid).</summary>
    private async Task<bool> SettleDuesAsync(Guid memberId, Guid paymentId, SessionReport report, string? stripeEventId, string? stripeEventType, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The member's row first, as a recorded transfer takes it: each payment of dues chains on from the ones before.
        await dues.LockMemberAsync(memberId, cancellationToken);
        if (stripeEventId is not null && !await RecordAsync(stripeEventId, stripeEventType!, now, cancellationToken)) return false;
        var payment = await PaymentAsync(paymentId, report, now, cancellationToken);
        switch (report.Outcome)
        {
            case SessionOutcome.Paid or SessionOutcome.AwaitingAsyncPayment when !payment.Matches(report.AmountTotal, report.Currency):
                HoldForReview(payment, report, stripeEventId, now);
                break;
            case SessionOutcome.Paid:
                if (payment.MarkPaid(report.PaymentIntentId, report.PaidAt(now))) await dues.RecordCardAsync(payment, now, cancellationToken);
                break;
            case SessionOutcome.AwaitingAsyncPayment:
                payment.MarkAwaitingAsyncPayment(report.PaymentIntentId, now + options.Value.AsyncPaymentWindow);
                break;
            case SessionOutcome.Failed or SessionOutcome.Expired:
                payment.MarkUnpaid(report.Outcome == SessionOutcome.Expired ? PaymentStatus.Expired : PaymentStatus.Failed);
                break;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The payment, locked in the caller's transaction; a session whose answer was lost is the one created under our key.</summary>
    private async Task<Payment> PaymentAsync(Guid paymentId, SessionReport report, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.FromSql($"SELECT * FROM payments WHERE id = {paymentId} FOR UPDATE").SingleAsync(cancellationToken);
        if (payment.CheckoutSessionId is null) payment.AttachSession(report.SessionId, null, payment.CheckoutTerms?.ExpiresAt ?? now);
        return payment;
    }

    private void HoldForReview(Payment payment, SessionReport report, string? stripeEventId, DateTimeOffset now)
    {
        if (payment.MarkNeedsReview(report.PaymentIntentId))
            db.PaymentProblems.Add(new PaymentProblem(PaymentProblemKind.AmountMismatch, payment.Id, payment.EventId, stripeEventId, report.SessionId,
                $"Stripe reported {report.AmountTotal?.ToString() ?? "no amount"} {report.Currency ?? "(no currency)"}; the payment is ¥{payment.AmountYen} jpy. Nothing was confirmed"
                + (payment.Purpose == PaymentPurpose.Ticket ? "; the seat stays held." : " and no membership recorded."), now));
    }

    /// <summary>Records a Stripe event that needs no change (unknown session, ignored type). False for a repeat.</summary>
    public async Task<bool> RecordOnlyAsync(string stripeEventId, string type, CancellationToken cancellationToken)
        => await RecordAsync(stripeEventId, type, time.GetUtcNow(), cancellationToken);

    /// <summary>Records a Stripe event that could not be applied, with the problem admins will see, once. False for a repeat.</summary>
    public async Task<bool> RecordProblemAsync(string stripeEventId, string type, PaymentProblem problem, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await RecordAsync(stripeEventId, type, time.GetUtcNow(), cancellationToken)) return false;
        db.PaymentProblems.Add(problem);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// The money arrived: a held seat is confirmed. A payment that completes after its hold ended gets a seat if one
    /// is free now (taken under this same lock); otherwise it is refunded and everyone is told why. A paid
    /// registration beyond capacity never exists.
    /// </summary>
    private void ConfirmSeat(Event e, Registration registration, Payment payment, DateTimeOffset now)
    {
        if (registration.ConfirmPayment(now)) return;
        if (registration.Status == RegistrationStatus.Expired && e.StatusAt(now) == EventStatus.Published && !e.HasStarted(now)
            && e.TryTakeSeats(registration.TicketTypeId, registration.Quantity) && registration.ConfirmLatePayment(now))
            return;
        payment.MarkRefundDue();
        var refund = payment.RequestRefund(payment.RefundableYen, RefundReason.LatePaymentNoSeat, now);
        if (refund.IsSuccess) db.Refunds.Add(refund.Value!);
    }

    private async Task<bool> RecordAsync(string eventId, string type, DateTimeOffset now, CancellationToken cancellationToken)
        => await db.Database.ExecuteSqlAsync(
            $"INSERT INTO processed_stripe_events (id, type, processed_at) VALUES ({eventId}, {type}, {now}) ON CONFLICT (id) DO NOTHING",
            cancellationToken) == 1;
}
