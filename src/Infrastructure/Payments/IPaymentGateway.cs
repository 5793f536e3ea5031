namespace Assemble.Infrastructure.Payments;

/// <summary>
/// How a session names what it pays for: its client_reference_id, and the same id in the session's and the
/// PaymentIntent's metadata under <paramref name="MetadataKey"/> (registration_id for a ticket, payment_id for dues).
/// </summary>
public sealed record CheckoutReference(Guid Id, string MetadataKey)
{
    public static CheckoutReference Of(Domain.Payments.Payment payment)
        => payment.Purpose == Domain.Payments.PaymentPurpose.Ticket ? new(payment.Reference, "registration_id") : new(payment.Reference, "payment_id");
}

/// <param name="IntentCreatedAt">
/// When its PaymentIntent was made, read when the session is asked about: the buyer confirming, since Checkout makes
/// the PaymentIntent only then (API 2022-08-01); for a card, the moment it was paid.
/// </param>
public sealed record CheckoutSession(string Id, string? Url, string Status, string PaymentStatus, string? PaymentIntentId, long? AmountTotal, string? Currency, string? ClientReferenceId,
    DateTimeOffset? IntentCreatedAt = null);

/// <summary>A refund as Stripe has it; <paramref name="RefundId"/> is ours, from its metadata.</summary>
public sealed record GatewayRefund(string Id, string Status, long Amount, string? PaymentIntentId, string? FailureReason, Guid? RefundId);

/// <summary>A failure Stripe reported (type, code, param from its error body) or could not be reached.</summary>
public sealed class PaymentGatewayException(string message, int? status, string? type, string? code, string? param, string? requestId, Exception? inner = null)
    : Exception(message, inner)
{
    public int? Status { get; } = status;
    public string? Type { get; } = type;
    public string? Code { get; } = code;
    public string? Param { get; } = param;
    public string? RequestId { get; } = requestId;

    /// <summary>
    /// Stripe answered with an error that ends the key's use: it refused the request (nothing was done, and the same
    /// request would be refused again), or its idempotency layer stored a 5xx that it would replay. 409 and 429 come
    /// before that layer and leave the key as it was.
    /// </summary>
    public bool KeySpent => Status is { } s && s is not (409 or 429);

    /// <summary>Stripe refused this very request (a 4xx about it): nothing was done. A 5xx or no answer says nothing for certain.</summary>
    public bool Refused => Status is >= 400 and < 500 and not (409 or 429);

    /// <summary>A reason for people (never blank): status, Stripe's code and message.</summary>
    public string Reason => $"{(Status is { } s ? $"HTTP {s}" : "no answer")}{(Code is null ? "" : $" {Code}")}: {Message}";
}

/// <summary>
/// The one seam to the payment provider: <see cref="StripePaymentGateway"/> (Stripe.net) when a key is configured,
/// <see cref="SimulatedCheckoutGateway"/> in development without one. Every POST carries the caller's idempotency
/// key, stored by the caller before the first attempt and reused on every retry.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>One payment's Checkout: whole yen (JPY is zero-decimal: ¥3,000 is 3000), named by <paramref name="reference"/>.</summary>
    Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutReference reference, Domain.Payments.CheckoutTerms terms, string idempotencyKey, CancellationToken cancellationToken);
    Task<CheckoutSession> GetCheckoutSessionAsync(string sessionId, CancellationToken cancellationToken);
    /// <summary>Ends an open session so it can no longer be paid (Stripe answers the session, now expired).</summary>
    Task<CheckoutSession> ExpireCheckoutSessionAsync(string sessionId, CancellationToken cancellationToken);
    /// <summary>Refunds part or all of a payment; <paramref name="refundId"/> goes into the refund's metadata so it can be found again.</summary>
    Task<GatewayRefund> CreateRefundAsync(string paymentIntentId, long amountYen, Guid refundId, string idempotencyKey, CancellationToken cancellationToken);
    /// <summary>Every refund Stripe has for the payment (to settle a refund whose answer was lost).</summary>
    Task<IReadOnlyList<GatewayRefund>> ListRefundsAsync(string paymentIntentId, CancellationToken cancellationToken);
}
