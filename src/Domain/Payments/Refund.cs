using Assemble.Domain.Common;

namespace Assemble.Domain.Payments;

public enum RefundStatus
{
    /// <summary>Written with its cause; not yet sent to Stripe.</summary>
    Requested,
    /// <summary>Sent, but the answer was lost (timeout, dropped connection, a 5xx): Stripe may have refunded. Looked up before anything else.</summary>
    Unknown,
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
    /// <summary>An admin gave membership dues back.</summary>
    DuesRefund,
}

/// <summary>
/// One refund of (part of) a payment. It is a row first, written in the same transaction as its cause; a job sends
/// it to Stripe under the one idempotency key it keeps for its whole life. An answer that never came is not a
/// failure: the refund stays <see cref="RefundStatus.Unknown"/>, its yen still promised, until Stripe is asked
/// which refunds the payment has. Only a definite answer from Stripe fails it, always with a reason.
/// </summary>
public sealed class Refund
{
    private Refund() { }

    public Guid Id { get; private set; }
    public Guid PaymentId { get; private set; }
    /// <summary>The registration and event of a ticket's refund (null for dues).</summary>
    public Guid? RegistrationId { get; private set; }
    public Guid? EventId { get; private set; }
    public int AmountYen { get; private set; }
    public RefundReason Reason { get; private set; }
    public RefundStatus Status { get; private set; }
    public string IdempotencyKey { get; private set; } = "";
    public string? StripeRefundId { get; private set; }
    public int Attempts { get; private set; }
    public string? FailureReason { get; private set; }
    /// <summary>Why the last attempt did not settle (kept while it is retried; shown to admins).</summary>
    public string? LastError { get; private set; }
    /// <summary>When the job may try again (null: as soon as it runs).</summary>
    public DateTimeOffset? NextAttemptAt { get; private set; }
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

    /// <summary>Still to be settled with Stripe: the money is promised and cannot be asked for again.</summary>
    public bool IsUnsettled => Status is RefundStatus.Requested or RefundStatus.Unknown;

    /// <summary>Stripe accepted the refund (answered the request, or listed it when asked).</summary>
    public void Sent(string stripeRefundId, string stripeStatus, string? failureReason, DateTimeOffset now)
    {
        StripeRefundId = stripeRefundId;
        if (Status == RefundStatus.Requested) Attempts++;
        Status = RefundStatus.Pending;
        LastError = null;
        NextAttemptAt = null;
        Apply(stripeStatus, failureReason, now);
        UpdatedAt = now;
    }

    /// <summary>
    /// No answer, or one that does not say what happened (a timeout, a dropped connection, 409, 429, a 5xx). Stripe may
    /// have refunded: next time it is looked up first, never simply sent as a new refund.
    /// </summary>
    public void AnswerLost(string reason, DateTimeOffset now)
    {
        Attempts++;
        Status = RefundStatus.Unknown;
        LastError = Text(reason, "No answer from Stripe.");
        NextAttemptAt = now + Backoff(Attempts);
        UpdatedAt = now;
    }

    /// <summary>Asked, Stripe lists no refund of ours: it never happened, so it is sent again under the same key.</summary>
    public void NotFoundAtStripe(DateTimeOffset now)
    {
        if (Status != RefundStatus.Unknown) return;
        Status = RefundStatus.Requested;
        NextAttemptAt = null;
        UpdatedAt = now;
    }

    /// <summary>Stripe refused it for certain (a 4xx about the request itself). The reason is never blank.</summary>
    public void Refused(string? reason, DateTimeOffset now)
    {
        Attempts++;
        Status = RefundStatus.Failed;
        FailureReason = Text(reason, "Stripe refused the refund without giving a reason.");
        NextAttemptAt = null;
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
        if (next == RefundStatus.Failed) FailureReason = Text(failureReason, $"Stripe reported the refund {stripeStatus} without a reason.");
        UpdatedAt = now;
        return true;
    }

    private static string Text(string? reason, string fallback)
    {
        var text = string.IsNullOrWhiteSpace(reason) ? fallback : reason.Trim();
        return text.Length > 300 ? text[..300] : text;
    }

    /// <summary>30 s, doubling, at most an hour.</summary>
    private static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Clamp(attempts - 1, 0, 10))));
}

public static class PaymentErrors
{
    public static readonly Error NotPaid = new("payment.not_paid", "There is no completed payment to refund.", ErrorKind.Conflict);
    public static Error RefundTooLarge(int refundable) => new("payment.refund_too_large", $"At most ¥{refundable:N0} can still be refunded.", ErrorKind.Rule);
}
