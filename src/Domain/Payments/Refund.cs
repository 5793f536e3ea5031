using Assemble.Domain.Common;

namespace Assemble.Domain.Payments;

public enum RefundStatus
{
    /// <summary>Written with its cause; not yet sent to Stripe.</summary>
    Requested,
    /// <summary>Stripe accepted it; the money is on its way (refund.updated says when it lands).</summary>
    Pending,
    Succeeded,
    Failed,
}

public enum RefundReason
{
    MemberCancelled,
    OrganizerRefund,
    EventCancelled,
    LatePaymentNoSeat,
}

/// <summary>
/// One refund of (part of) a payment. It is a row first, written in the same transaction as its cause; a job sends
/// it to Stripe with its own idempotency key, so running that job twice refunds nothing twice.
/// </summary>
public sealed class Refund
{
    public const int MaxAttempts = 5;

    private Refund() { }

    public Guid Id { get; private set; }
    public Guid PaymentId { get; private set; }
    public Guid RegistrationId { get; private set; }
    public Guid EventId { get; private set; }
    public int AmountYen { get; private set; }
    public RefundReason Reason { get; private set; }
    public RefundStatus Status { get; private set; }
    public string IdempotencyKey { get; private set; } = "";
    public string? StripeRefundId { get; private set; }
    public int Attempts { get; private set; }
    public string? FailureReason { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    internal static Refund Create(Payment payment, int amountYen, RefundReason reason, DateTimeOffset now)
    {
        var id = Guid.CreateVersion7(now);
        return new Refund
        {
            Id = id,
            PaymentId = payment.Id,
            RegistrationId = payment.RegistrationId,
            EventId = payment.EventId,
            AmountYen = amountYen,
            Reason = reason,
            Status = RefundStatus.Requested,
            IdempotencyKey = $"refund-{id:N}",
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Stripe accepted the refund.</summary>
    public void Sent(string stripeRefundId, string stripeStatus, DateTimeOffset now)
    {
        StripeRefundId = stripeRefundId;
        Attempts++;
        Apply(stripeStatus, null, now);
    }

    /// <summary>Sending failed; it is tried again until <see cref="MaxAttempts"/>, then it fails for a person to look at.</summary>
    public void SendFailed(string reason, bool permanent, DateTimeOffset now)
    {
        Attempts++;
        FailureReason = reason.Length > 300 ? reason[..300] : reason;
        if (permanent || Attempts >= MaxAttempts) Status = RefundStatus.Failed;
        UpdatedAt = now;
    }

    /// <summary>Stripe's status (from the API or refund.updated/failed): only forward.</summary>
    public bool Apply(string stripeStatus, string? failureReason, DateTimeOffset now)
    {
        var next = stripeStatus switch
        {
            "succeeded" => RefundStatus.Succeeded,
            "failed" or "canceled" => RefundStatus.Failed,
            _ => RefundStatus.Pending,
        };
        if (Status is RefundStatus.Succeeded or RefundStatus.Failed || next == Status) return false;
        Status = next;
        FailureReason = failureReason ?? FailureReason;
        UpdatedAt = now;
        return true;
    }
}

public static class PaymentErrors
{
    public static readonly Error NotPaid = new("payment.not_paid", "There is no completed payment to refund.", ErrorKind.Conflict);
    public static Error RefundTooLarge(int refundable) => new("payment.refund_too_large", $"At most ¥{refundable:N0} can still be refunded.", ErrorKind.Rule);
}
