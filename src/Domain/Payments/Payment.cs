using Assemble.Domain.Common;

namespace Assemble.Domain.Payments;

public enum PaymentStatus
{
    /// <summary>A Checkout Session is being created or is open.</summary>
    CheckoutOpen,
    /// <summary>The buyer finished Checkout with a delayed method (e.g. Konbini); the money has not arrived.</summary>
    AwaitingAsyncPayment,
    Paid,
    Expired,
    Failed,
}

/// <summary>
/// The payment for one paid registration: one Checkout Session, created with an idempotency key stored before the
/// first attempt. Moves only forward: a late "expired" never undoes "paid".
/// </summary>
public sealed class Payment
{
    private Payment() { }

    public Guid Id { get; private set; }
    public Guid RegistrationId { get; private set; }
    public Guid EventId { get; private set; }
    public Guid MemberId { get; private set; }
    /// <summary>Whole yen.</summary>
    public int AmountYen { get; private set; }
    public PaymentStatus Status { get; private set; }
    public string CheckoutIdempotencyKey { get; private set; } = "";
    public string? CheckoutSessionId { get; private set; }
    public string? CheckoutUrl { get; private set; }
    public DateTimeOffset? CheckoutExpiresAt { get; private set; }
    public string? PaymentIntentId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? PaidAt { get; private set; }
    /// <summary>Set when the money came but no seat could be given (a late payment after the hold expired and the event filled).</summary>
    public bool RefundDue { get; private set; }

    public static Payment Start(Guid registrationId, Guid eventId, Guid memberId, int amountYen, DateTimeOffset now)
    {
        if (amountYen <= 0) throw new ArgumentOutOfRangeException(nameof(amountYen), "Only paid registrations have a payment.");
        return new Payment
        {
            Id = Guid.CreateVersion7(now),
            RegistrationId = registrationId,
            EventId = eventId,
            MemberId = memberId,
            AmountYen = amountYen,
            Status = PaymentStatus.CheckoutOpen,
            CheckoutIdempotencyKey = $"checkout-{registrationId:N}",
            CreatedAt = now,
        };
    }

    public void AttachSession(string sessionId, string? url, DateTimeOffset expiresAt)
    {
        CheckoutSessionId = sessionId;
        CheckoutUrl = url;
        CheckoutExpiresAt = expiresAt;
    }

    public bool IsSettled => Status is PaymentStatus.Paid or PaymentStatus.Expired or PaymentStatus.Failed;

    /// <summary>The money arrived. Returns false when this was already known (a repeated or late event).</summary>
    public bool MarkPaid(string? paymentIntentId, DateTimeOffset now)
    {
        if (Status == PaymentStatus.Paid) return false;
        Status = PaymentStatus.Paid;
        PaymentIntentId = paymentIntentId ?? PaymentIntentId;
        PaidAt = now;
        return true;
    }

    public bool MarkAwaitingAsyncPayment(string? paymentIntentId)
    {
        if (Status != PaymentStatus.CheckoutOpen) return false;
        Status = PaymentStatus.AwaitingAsyncPayment;
        PaymentIntentId = paymentIntentId ?? PaymentIntentId;
        return true;
    }

    /// <summary>The session expired or the delayed payment failed; never after the money arrived.</summary>
    public bool MarkUnpaid(PaymentStatus outcome)
    {
        if (outcome is not (PaymentStatus.Expired or PaymentStatus.Failed)) throw new ArgumentOutOfRangeException(nameof(outcome));
        if (IsSettled) return false;
        Status = outcome;
        return true;
    }

    public void MarkRefundDue() => RefundDue = true;

    /// <summary>Yen already promised back (every refund that has not failed). Never above <see cref="AmountYen"/>.</summary>
    public int RefundedYen { get; private set; }

    public int RefundableYen => Status == PaymentStatus.Paid ? AmountYen - RefundedYen : 0;

    /// <summary>A refund of <paramref name="amountYen"/> (whole yen); the total never exceeds what was paid.</summary>
    public Result<Refund> RequestRefund(int amountYen, RefundReason reason, DateTimeOffset now)
    {
        if (Status != PaymentStatus.Paid) return PaymentErrors.NotPaid;
        if (amountYen <= 0)
            return Error.Validation("payment.invalid", new Dictionary<string, string[]> { ["amountYen"] = ["A refund is at least ¥1."] });
        if (amountYen > RefundableYen) return PaymentErrors.RefundTooLarge(RefundableYen);
        RefundedYen += amountYen;
        return Refund.Create(this, amountYen, reason, now);
    }

    /// <summary>A refund failed for good: its yen can be refunded again.</summary>
    public void RefundFailed(int amountYen) => RefundedYen = Math.Max(0, RefundedYen - amountYen);
}
