using Assemble.Api.Features.Registrations;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Payments;

/// <summary>What Stripe says happened to a Checkout Session (from a webhook or from asking Stripe).</summary>
public enum SessionOutcome { Paid, AwaitingAsyncPayment, Failed, Expired, StillOpen }

/// <summary>
/// Applies a Checkout Session's outcome to its payment and registration under the event's lock, moving only
/// forward. A webhook passes its event id, recorded in the same transaction (a repeat does nothing); the
/// reconciliation job passes none.
/// </summary>
public sealed class PaymentSettlement(AppDbContext db, SeatKeeper seats, TimeProvider time)
{
    /// <summary>Returns false when <paramref name="stripeEventId"/> had been handled already.</summary>
    public async Task<bool> SettleAsync(Guid paymentId, SessionOutcome outcome, string? paymentIntentId, string? stripeEventId, string? stripeEventType, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var eventId = await db.Payments.Where(p => p.Id == paymentId).Select(p => p.EventId).SingleAsync(cancellationToken);
        var locked = await seats.LockAsync(eventId, cancellationToken);
        if (locked is not { } l) return true;
        await using var transaction = l.Transaction;
        if (stripeEventId is not null && !await RecordAsync(stripeEventId, stripeEventType!, now, cancellationToken)) return false;

        var e = l.Event;
        var payment = await db.Payments.SingleAsync(p => p.Id == paymentId, cancellationToken);
        var registration = await db.Registrations.SingleAsync(x => x.Id == payment.RegistrationId, cancellationToken);
        switch (outcome)
        {
            case SessionOutcome.Paid:
                if (payment.MarkPaid(paymentIntentId, now)) ConfirmSeat(e, registration, payment, now);
                break;
            case SessionOutcome.AwaitingAsyncPayment:
                payment.MarkAwaitingAsyncPayment(paymentIntentId);
                break;
            case SessionOutcome.Failed or SessionOutcome.Expired:
                if (payment.MarkUnpaid(outcome == SessionOutcome.Expired ? PaymentStatus.Expired : PaymentStatus.Failed) && registration.EndHoldUnpaid(now))
                {
                    e.ReleaseSeats(registration.TicketTypeId, registration.Quantity);
                    db.DomainEvents.Add(new DomainEvent(DomainEventTypes.HoldExpired, e.Id, registration.MemberId, registration.Id, now, outcome.ToString()));
                    await seats.OfferFreeSeatsAsync(e, now, cancellationToken);
                }
                break;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Records a Stripe event that needs no change (unknown session, ignored type). False for a repeat.</summary>
    public async Task<bool> RecordOnlyAsync(string stripeEventId, string type, CancellationToken cancellationToken)
        => await RecordAsync(stripeEventId, type, time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// The money arrived: a held seat is confirmed. A payment that completes after its hold expired gets a seat if
    /// one is free now (taken under this same lock); otherwise it is refunded and everyone is told why. A paid
    /// registration beyond capacity never exists.
    /// </summary>
    private void ConfirmSeat(Event e, Registration registration, Payment payment, DateTimeOffset now)
    {
        if (registration.ConfirmPayment(now))
        {
            db.DomainEvents.Add(new DomainEvent(DomainEventTypes.RegistrationConfirmed, e.Id, registration.MemberId, registration.Id, now, "paid"));
            return;
        }
        if (registration.Status == RegistrationStatus.Expired && e.StatusAt(now) == EventStatus.Published && !e.HasStarted(now)
            && e.TryTakeSeats(registration.TicketTypeId, registration.Quantity) && registration.ConfirmLatePayment(now))
        {
            db.DomainEvents.Add(new DomainEvent(DomainEventTypes.RegistrationConfirmed, e.Id, registration.MemberId, registration.Id, now, "late_payment"));
            return;
        }
        payment.MarkRefundDue();
        var refund = payment.RequestRefund(payment.RefundableYen, RefundReason.LatePaymentNoSeat, now);
        if (refund.IsSuccess) db.Refunds.Add(refund.Value!);
        db.DomainEvents.Add(new DomainEvent(DomainEventTypes.RefundRequested, e.Id, registration.MemberId, registration.Id, now,
            $"late_payment_no_seat;amount={payment.AmountYen}"));
    }

    private async Task<bool> RecordAsync(string eventId, string type, DateTimeOffset now, CancellationToken cancellationToken)
        => await db.Database.ExecuteSqlAsync(
            $"INSERT INTO processed_stripe_events (id, type, processed_at) VALUES ({eventId}, {type}, {now}) ON CONFLICT (id) DO NOTHING",
            cancellationToken) == 1;
}
