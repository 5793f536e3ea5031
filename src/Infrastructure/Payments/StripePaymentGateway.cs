using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace Assemble.Infrastructure.Payments;

/// <summary>
/// Stripe through Stripe.net: its services and typed objects, its retries (with our idempotency key on every POST,
/// the same on every retry) and a timeout per attempt. Failures become <see cref="PaymentGatewayException"/>, logged
/// with Stripe's Request-Id; the key is never logged.
/// </summary>
public sealed partial class StripePaymentGateway(IStripeClient client, IOptions<StripeOptions> options, ILogger<StripePaymentGateway> logger) : IPaymentGateway
{
    /// <summary>The one client of the process (it pools its connections), built from Stripe:ApiKey and Stripe:BaseUrl.</summary>
    public static StripeClient CreateClient(StripeOptions o) => new(new StripeClientOptions
    {
        // Stripe.net refuses an empty key; without one every call fails here first (see CallAsync).
        ApiKey = string.IsNullOrWhiteSpace(o.ApiKey) ? null : o.ApiKey.Trim(),
        ApiBase = o.BaseUrl,
        HttpClient = new SystemNetHttpClient(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = o.Timeout },
            o.MaxRetries),
    });

    public async Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutReference ours, Domain.Payments.CheckoutTerms r, string idempotencyKey, CancellationToken cancellationToken)
    {
        var reference = ours.Id.ToString();
        var create = new SessionCreateOptions
        {
            Mode = "payment",
            LineItems =
            [
                new SessionLineItemOptions
                {
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = Domain.Payments.Payment.Currency,
                        UnitAmount = r.UnitAmountYen,
                        ProductData = new SessionLineItemPriceDataProductDataOptions { Name = r.ProductName },
                    },
                    Quantity = r.Quantity,
                },
            ],
            SuccessUrl = r.SuccessUrl,
            CancelUrl = r.CancelUrl,
            ClientReferenceId = reference,
            Metadata = new Dictionary<string, string> { [ours.MetadataKey] = reference },
            PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = new Dictionary<string, string> { [ours.MetadataKey] = reference } },
            CustomerEmail = r.CustomerEmail,
            Locale = r.Locale,
            ExpiresAt = r.ExpiresAt.UtcDateTime,
        };
        var session = await CallAsync("POST /v1/checkout/sessions",
            ct => new SessionService(client).CreateAsync(create, new RequestOptions { IdempotencyKey = idempotencyKey }, ct), cancellationToken);
        return ToView(session);
    }

    public async Task<CheckoutSession> GetCheckoutSessionAsync(string sessionId, CancellationToken cancellationToken)
        => ToView(await CallAsync("GET /v1/checkout/sessions/{id}",
            ct => new SessionService(client).GetAsync(sessionId, new SessionGetOptions { Expand = ["payment_intent"] }, cancellationToken: ct), cancellationToken));

    public async Task<CheckoutSession> ExpireCheckoutSessionAsync(string sessionId, CancellationToken cancellationToken)
        => ToView(await CallAsync("POST /v1/checkout/sessions/{id}/expire",
            ct => new SessionService(client).ExpireAsync(sessionId, null, new RequestOptions { IdempotencyKey = $"expire-{sessionId}" }, ct), cancellationToken));

    public async Task<GatewayRefund> CreateRefundAsync(string paymentIntentId, long amountYen, Guid refundId, string idempotencyKey, CancellationToken cancellationToken)
    {
        var create = new RefundCreateOptions
        {
            PaymentIntent = paymentIntentId,
            Amount = amountYen,
            Reason = "requested_by_customer",
            Metadata = new Dictionary<string, string> { [RefundIdKey] = refundId.ToString() },
        };
        return ToView(await CallAsync("POST /v1/refunds",
            ct => new RefundService(client).CreateAsync(create, new RequestOptions { IdempotencyKey = idempotencyKey }, ct), cancellationToken));
    }

    public async Task<IReadOnlyList<GatewayRefund>> ListRefundsAsync(string paymentIntentId, CancellationToken cancellationToken)
    {
        // A payment has a handful of refunds at most (each one yen or more of a ticket): 100 is Stripe's page maximum.
        var list = await CallAsync("GET /v1/refunds", ct => new RefundService(client).ListAsync(new RefundListOptions { PaymentIntent = paymentIntentId, Limit = 100 }, cancellationToken: ct), cancellationToken);
        return list.Data.Select(ToView).ToList();
    }

    /// <summary>The metadata key naming our refund row on Stripe's refund.</summary>
    public const string RefundIdKey = "refund_id";

    private static GatewayRefund ToView(Stripe.Refund r)
        => new(r.Id, r.Status ?? "", r.Amount, r.PaymentIntentId, r.FailureReason,
            r.Metadata is not null && r.Metadata.TryGetValue(RefundIdKey, out var id) && Guid.TryParse(id, out var parsed) ? parsed : null);

    private static CheckoutSession ToView(Session s)
        => new(s.Id, s.Url, s.Status ?? "", s.PaymentStatus ?? "", s.PaymentIntentId, s.AmountTotal, s.Currency, s.ClientReferenceId,
            s.PaymentIntent is { } intent && intent.Created != default ? new DateTimeOffset(DateTime.SpecifyKind(intent.Created, DateTimeKind.Utc)) : null);

    /// <summary>Runs one Stripe.net call (its retries included) and turns every way it can fail into one exception.</summary>
    private async Task<T> CallAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        if (options.Value.UsesSimulatedCheckout)
        {
            LogNoKey(logger);
            throw new PaymentGatewayException("Stripe:ApiKey is not configured.", null, null, "not_configured", null, null);
        }
        try
        {
            return await call(cancellationToken);
        }
        catch (StripeException e)
        {
            var status = e.HttpStatusCode == 0 ? (int?)null : (int)e.HttpStatusCode;
            var requestId = e.StripeResponse?.RequestId;
            LogError(logger, operation, status, e.StripeError?.Type, e.StripeError?.Code, e.StripeError?.Param, requestId);
            throw new PaymentGatewayException(e.StripeError?.Message ?? $"Stripe answered {status}.", status, e.StripeError?.Type, e.StripeError?.Code, e.StripeError?.Param, requestId, e);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Refused connections and timeouts, after Stripe.net's retries.
            LogUnreachable(logger, operation, e);
            throw new PaymentGatewayException("Stripe could not be reached.", null, null, null, null, null, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe:ApiKey is not configured: paid checkouts cannot be created.")]
    private static partial void LogNoKey(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe {Operation} could not be reached")]
    private static partial void LogUnreachable(ILogger logger, string operation, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe {Operation} failed: {Status} {Type} {Code} {Param} (Request-Id {RequestId})")]
    private static partial void LogError(ILogger logger, string operation, int? status, string? type, string? code, string? param, string? requestId);
}
