using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Assemble.Infrastructure.Payments;

/// <summary>
/// Stripe's REST API over HttpClient: form-encoded bodies with bracketed keys, a Bearer key, a pinned
/// Stripe-Version, the caller's Idempotency-Key on every POST (the same key on every retry), retries only where
/// Stripe says they are safe (network errors, 409, 429, 5xx, or Stripe-Should-Retry), errors parsed and logged
/// with Stripe's Request-Id. The key is never logged.
/// </summary>
public sealed partial class StripeClient(HttpClient http, IOptions<StripeOptions> options, TimeProvider time, ILogger<StripeClient> logger) : IPaymentGateway
{
    public async Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutRequest r, string idempotencyKey, CancellationToken cancellationToken)
    {
        var reference = r.RegistrationId.ToString();
        var form = new List<KeyValuePair<string, string>>
        {
            new("mode", "payment"),
            new("line_items[0][price_data][currency]", "jpy"),
            new("line_items[0][price_data][unit_amount]", r.UnitAmountYen.ToString(CultureInfo.InvariantCulture)),
            new("line_items[0][price_data][product_data][name]", r.ProductName),
            new("line_items[0][quantity]", r.Quantity.ToString(CultureInfo.InvariantCulture)),
            new("success_url", r.SuccessUrl),
            new("cancel_url", r.CancelUrl),
            new("client_reference_id", reference),
            new("metadata[registration_id]", reference),
            new("payment_intent_data[metadata][registration_id]", reference),
            new("customer_email", r.CustomerEmail),
            new("locale", r.Locale),
            new("expires_at", r.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        return ReadSession(await SendAsync(HttpMethod.Post, "/v1/checkout/sessions", form, idempotencyKey, cancellationToken));
    }

    public async Task<CheckoutSession> GetCheckoutSessionAsync(string sessionId, CancellationToken cancellationToken)
        => ReadSession(await SendAsync(HttpMethod.Get, $"/v1/checkout/sessions/{Uri.EscapeDataString(sessionId)}", null, null, cancellationToken));

    public async Task<CheckoutSession> ExpireCheckoutSessionAsync(string sessionId, string idempotencyKey, CancellationToken cancellationToken)
        => ReadSession(await SendAsync(HttpMethod.Post, $"/v1/checkout/sessions/{Uri.EscapeDataString(sessionId)}/expire", [], idempotencyKey, cancellationToken));

    public async Task<GatewayRefund> CreateRefundAsync(string paymentIntentId, long amountYen, string idempotencyKey, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("payment_intent", paymentIntentId),
            new("amount", amountYen.ToString(CultureInfo.InvariantCulture)),
            new("reason", "requested_by_customer"),
        };
        return ReadRefund((await SendAsync(HttpMethod.Post, "/v1/refunds", form, idempotencyKey, cancellationToken)).RootElement);
    }

    public async Task<IReadOnlyList<GatewayRefund>> ListRefundsAsync(string paymentIntentId, CancellationToken cancellationToken)
    {
        using var doc = await SendAsync(HttpMethod.Get, $"/v1/refunds?payment_intent={Uri.EscapeDataString(paymentIntentId)}&limit=100", null, null, cancellationToken);
        return doc.RootElement.GetProperty("data").EnumerateArray().Select(ReadRefund).ToList();
    }

    /// <summary>The form body exactly as sent: bracketed keys, values percent-encoded.</summary>
    public static string Encode(IEnumerable<KeyValuePair<string, string>> form)
        => string.Join('&', form.Select(p => Uri.EscapeDataString(p.Key).Replace("%5B", "[").Replace("%5D", "]") + "=" + Uri.EscapeDataString(p.Value)));

    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, List<KeyValuePair<string, string>>? form, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.ApiKey))
        {
            LogNoKey(logger);
            throw new PaymentGatewayException("Stripe:ApiKey is not configured.", null, null, "not_configured", null, null);
        }
        var delay = o.InitialRetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(new Uri(o.BaseUrl), path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", o.ApiKey);
            request.Headers.Add("Stripe-Version", StripeOptions.ApiVersion);
            if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
            if (form is not null) request.Content = new StringContent(Encode(form), Encoding.UTF8, "application/x-www-form-urlencoded");

            HttpResponseMessage? response = null;
            Exception? failure = null;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(o.Timeout);
            try
            {
                response = await http.SendAsync(request, timeout.Token);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                failure = e;
            }

            using (response)
            {
                var requestId = response?.Headers.TryGetValues("Request-Id", out var ids) == true ? ids.First() : null;
                if (response is { IsSuccessStatusCode: true })
                    return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));

                var status = response is null ? (int?)null : (int)response.StatusCode;
                var retry = ShouldRetry(response);
                if (retry && attempt < o.MaxRetries)
                {
                    LogRetry(logger, method.Method, path, status, requestId, attempt + 1);
                    var wait = response?.Headers.RetryAfter?.Delta is { } retryAfter && retryAfter < TimeSpan.FromSeconds(30) ? retryAfter : delay;
                    await Task.Delay(wait + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 100)), time, cancellationToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                    continue;
                }

                if (response is null)
                {
                    LogUnreachable(logger, method.Method, path, failure!);
                    throw new PaymentGatewayException("Stripe could not be reached.", null, null, null, null, null, failure);
                }
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                string? type = null, code = null, param = null, message = null;
                try
                {
                    using var error = JsonDocument.Parse(body);
                    if (error.RootElement.TryGetProperty("error", out var e))
                    {
                        type = e.TryGetProperty("type", out var t) ? t.GetString() : null;
                        code = e.TryGetProperty("code", out var c) ? c.GetString() : null;
                        param = e.TryGetProperty("param", out var p) ? p.GetString() : null;
                        message = e.TryGetProperty("message", out var m) ? m.GetString() : null;
                    }
                }
                catch (JsonException)
                {
                }
                LogError(logger, method.Method, path, status, type, code, param, requestId);
                throw new PaymentGatewayException(message ?? $"Stripe answered {status}.", status, type, code, param, requestId);
            }
        }
    }

    private static bool ShouldRetry(HttpResponseMessage? response)
    {
        if (response is null) return true;
        if (response.Headers.TryGetValues("Stripe-Should-Retry", out var values))
            return string.Equals(values.First(), "true", StringComparison.OrdinalIgnoreCase);
        var status = (int)response.StatusCode;
        return status is 409 or 429 || status >= 500;
    }

    private static CheckoutSession ReadSession(JsonDocument doc)
    {
        using (doc)
        {
            var s = doc.RootElement;
            return new CheckoutSession(
                s.GetProperty("id").GetString()!,
                s.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String ? url.GetString() : null,
                s.TryGetProperty("status", out var status) ? status.GetString() ?? "" : "",
                s.TryGetProperty("payment_status", out var ps) ? ps.GetString() ?? "" : "",
                s.TryGetProperty("payment_intent", out var pi) && pi.ValueKind == JsonValueKind.String ? pi.GetString() : null,
                s.TryGetProperty("amount_total", out var amount) && amount.ValueKind == JsonValueKind.Number ? amount.GetInt64() : null,
                s.TryGetProperty("client_reference_id", out var reference) && reference.ValueKind == JsonValueKind.String ? reference.GetString() : null);
        }
    }

    private static GatewayRefund ReadRefund(JsonElement r) => new(
        r.GetProperty("id").GetString()!,
        r.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "",
        r.TryGetProperty("amount", out var a) ? a.GetInt64() : 0,
        r.TryGetProperty("payment_intent", out var pi) && pi.ValueKind == JsonValueKind.String ? pi.GetString() : null);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe:ApiKey is not configured: paid checkouts cannot be created.")]
    private static partial void LogNoKey(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe {Method} {Path} answered {Status} (Request-Id {RequestId}); retry {Attempt}")]
    private static partial void LogRetry(ILogger logger, string method, string path, int? status, string? requestId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe {Method} {Path} could not be reached")]
    private static partial void LogUnreachable(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe {Method} {Path} failed: {Status} {Type} {Code} {Param} (Request-Id {RequestId})")]
    private static partial void LogError(ILogger logger, string method, string path, int? status, string? type, string? code, string? param, string? requestId);
}
