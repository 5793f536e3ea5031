namespace Assemble.Infrastructure.Payments;

/// <summary>One ticket's Checkout: whole yen (JPY is zero-decimal: ¥3,000 is 3000), our registration id as the reference.</summary>
public sealed record CheckoutRequest(
    Guid RegistrationId,
    string ProductName,
    int UnitAmountYen,
    int Quantity,
    string CustomerEmail,
    string Locale,
    DateTimeOffset ExpiresAt,
    string SuccessUrl,
    string CancelUrl);

public sealed record CheckoutSession(string Id, string? Url, string Status, string PaymentStatus, string? PaymentIntentId, long? AmountTotal, string? ClientReferenceId);

public sealed record GatewayRefund(string Id, string Status, long Amount, string? PaymentIntentId);

/// <summary>A failure Stripe reported (type, code, param from its error body) or could not be reached.</summary>
public sealed class PaymentGatewayException(string message, int? status, string? type, string? code, string? param, string? requestId, Exception? inner = null)
    : Exception(message, inner)
{
    public int? Status { get; } = status;
    public string? Type { get; } = type;
    public string? Code { get; } = code;
    public string? Param { get; } = param;
    public string? RequestId { get; } = requestId;
}

/// <summary>
/// The one seam to the payment provider: <see cref="StripePaymentGateway"/> (Stripe.net) when a key is configured,
/// <see cref="SimulatedCheckoutGateway"/> in development without one. Every POST carries the caller's idempotency
/// key, stored by the caller before the first attempt and reused on every retry.
/// </summary>
public interface IPaymentGateway
{
    Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutRequest request, string idempotencyKey, CancellationToken cancellationToken);
    Task<CheckoutSession> GetCheckoutSessionAsync(string sessionId, CancellationToken cancellationToken);
    Task<GatewayRefund> CreateRefundAsync(string paymentIntentId, long amountYen, string idempotencyKey, CancellationToken cancellationToken);
}
