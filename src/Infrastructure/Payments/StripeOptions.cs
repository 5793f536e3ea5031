namespace Assemble.Infrastructure.Payments;

public sealed class StripeOptions
{
    public const string Section = "Stripe";

    /// <summary>Secret key (sk_test_… / sk_live_…). Empty: the simulated checkout is used (never in Production).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Webhook signing secrets (whsec_…); several while a rolled secret is still active.</summary>
    public List<string> WebhookSecrets { get; set; } = [];

    /// <summary>Stripe.net's ApiBase: tests point it at their local fake Stripe.</summary>
    public string BaseUrl { get; set; } = "https://api.stripe.com";

    /// <summary>
    /// Per attempt. Stripe answers a Checkout Session or a refund in well under two seconds; ten means the
    /// connection hangs. Stripe.net's default (80 s, sized for large list calls) would keep a member's request waiting.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Stripe.net's retries after the first attempt (network errors, timeouts, 409, 5xx, Stripe-Should-Retry), with
    /// the same idempotency key. 2 is Stripe's own default: worst case about 3 × 10 s + 1.5 s of backoff.
    /// </summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Signatures further than this from now are refused (Stripe's default: 300 s).</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromSeconds(300);

    public bool UsesSimulatedCheckout => string.IsNullOrWhiteSpace(ApiKey);
}
