namespace Assemble.Domain.Payments;

public enum PaymentProblemKind
{
    /// <summary>Stripe reported another amount or currency than the payment recorded; nothing was confirmed.</summary>
    AmountMismatch,
    /// <summary>A Checkout event that matches no payment of ours (or not the registration's current session).</summary>
    UnmatchedEvent,
    /// <summary>A Checkout event whose session and client_reference_id name two different payments.</summary>
    ConflictingEvent,
    /// <summary>Stripe no longer knows a session we recorded (404): settled as ended, nothing can be paid on it.</summary>
    SessionMissing,
    /// <summary>A refund of dues failed and gave back a membership period that overlaps one paid since: a person decides.</summary>
    MembershipOverlap,
}

/// <summary>
/// Something about money that the code settled as safely as it could and a person should look at: recorded once,
/// with Stripe's ids, never with card or personal data. Admins see them all, organizers those of their events.
/// </summary>
public sealed class PaymentProblem
{
    private PaymentProblem() { }

    public PaymentProblem(PaymentProblemKind kind, Guid? paymentId, Guid? eventId, string? stripeEventId, string? stripeObjectId, string detail, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        Kind = kind;
        PaymentId = paymentId;
        EventId = eventId;
        StripeEventId = stripeEventId;
        StripeObjectId = stripeObjectId;
        Detail = detail.Length > 500 ? detail[..500] : detail;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public PaymentProblemKind Kind { get; private set; }
    public Guid? PaymentId { get; private set; }
    public Guid? EventId { get; private set; }
    public string? StripeEventId { get; private set; }
    public string? StripeObjectId { get; private set; }
    public string Detail { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
}
