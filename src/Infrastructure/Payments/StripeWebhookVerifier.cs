using System.Text;
using System.Text.Json;
using Stripe;

namespace Assemble.Infrastructure.Payments;

/// <summary>
/// Checks a Stripe webhook with Stripe.net (<see cref="EventUtility.ValidateSignature(string, string, string, long, long)"/>:
/// any v1 of any configured secret, constant-time, within the tolerance either side of now), then parses it into
/// its typed <see cref="Event"/>. An event rendered with another release train of the API than the one Stripe.net
/// pins (a misconfigured endpoint) is refused rather than read with a model it was not written for.
/// </summary>
public static class StripeWebhookVerifier
{
    public enum Check { Valid, MissingHeader, BadSignature, OtherApiVersion, Malformed }

    public static (Check Check, Event? Event) Verify(byte[] body, string? header, IReadOnlyList<string> secrets, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrWhiteSpace(header)) return (Check.MissingHeader, null);
        // Bytes that are not UTF-8 turn into U+FFFD here and so can never match a signature.
        var json = Encoding.UTF8.GetString(body);
        if (!secrets.Any(secret => IsSignedWith(json, header, secret, now, tolerance))) return (Check.BadSignature, null);

        Event? stripeEvent;
        try
        {
            // The version is checked below, with the same rule, so that a missing api_version is refused too.
            stripeEvent = EventUtility.ParseEvent(json, throwOnApiVersionMismatch: false);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return (Check.Malformed, null);
        }
        if (stripeEvent?.Id is null || stripeEvent.Type is null) return (Check.Malformed, stripeEvent);
        return IsOurApiVersion(stripeEvent.ApiVersion) ? (Check.Valid, stripeEvent) : (Check.OtherApiVersion, stripeEvent);
    }

    /// <summary>Stripe.net's own rule: the same release train (…endive), whose monthly versions add no breaking change.</summary>
    public static bool IsOurApiVersion(string? apiVersion) => apiVersion is not null && EventUtility.IsCompatibleApiVersion(apiVersion);

    private static bool IsSignedWith(string json, string header, string secret, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(secret)) return false;
        try
        {
            EventUtility.ValidateSignature(json, header, secret, (long)tolerance.TotalSeconds, now.ToUnixTimeSeconds());
            return true;
        }
        catch (Exception e) when (e is StripeException or FormatException or OverflowException)
        {
            return false;
        }
    }
}
