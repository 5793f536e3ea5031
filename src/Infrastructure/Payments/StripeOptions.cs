namespace Assemble.Infrastructure.Payments;

public sealed class StripeOptions
{
    public const string Section = "Stripe";

    /// <summary>The API version every request pins (and the webhook endpoint should be created with).</summary>
    public const string ApiVersion = "2026-10-28.endive";

    /// <summary>Secret key (sk_test_… / sk_live_…). Empty: the simulated checkout is used (never in Production).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Webhook signing secrets (whsec_…); several while a rolled secret is still active.</summary>
    public List<string> WebhookSecrets { get; set; } = [];

    public string BaseUrl { get; set; } = "https://api.stripe.com";

    /// <summary>Per attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries after the first attempt, for network errors, 409, 429 and 5xx (or when Stripe-Should-Retry says so).</summary>
    public int MaxRetries { get; set; } = 2;

    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Signatures older than this are refused (Stripe's default: 300 s).</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromSeconds(300);

    public bool UsesSimulatedCheckout => string.IsNullOrWhiteSpace(ApiKey);
}
