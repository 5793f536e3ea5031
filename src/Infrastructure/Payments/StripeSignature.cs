using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Assemble.Infrastructure.Payments;

public enum SignatureCheck
{
    Valid,
    MissingHeader,
    Malformed,
    NoMatch,
    TooOld,
}

/// <summary>
/// Stripe's webhook signature: <c>Stripe-Signature: t=…,v1=…[,v1=…][,v0=…]</c>, where each v1 is
/// hex(HMAC-SHA256(secret, t + "." + raw body)). Any v1 of any configured secret may match (secret rotation);
/// other schemes are ignored; comparison is constant-time; the timestamp must be within the tolerance.
/// </summary>
public static class StripeSignature
{
    public static SignatureCheck Verify(string? header, ReadOnlySpan<byte> body, IReadOnlyList<string> secrets, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrWhiteSpace(header)) return SignatureCheck.MissingHeader;
        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var item in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = item.IndexOf('=');
            if (eq <= 0) continue;
            var key = item[..eq];
            var value = item[(eq + 1)..];
            if (key == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t)) timestamp = t;
            else if (key == "v1" && value.Length == 64 && TryHex(value, out var bytes)) signatures.Add(bytes);
        }
        if (timestamp is null || signatures.Count == 0) return SignatureCheck.Malformed;

        var prefix = Encoding.UTF8.GetBytes(timestamp.Value.ToString(CultureInfo.InvariantCulture) + ".");
        var payload = new byte[prefix.Length + body.Length];
        prefix.CopyTo(payload, 0);
        body.CopyTo(payload.AsSpan(prefix.Length));

        var matched = false;
        foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s)))
        {
            var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload);
            foreach (var signature in signatures)
                matched |= CryptographicOperations.FixedTimeEquals(expected, signature);
        }
        if (!matched) return SignatureCheck.NoMatch;
        return now.ToUnixTimeSeconds() - timestamp.Value > tolerance.TotalSeconds ? SignatureCheck.TooOld : SignatureCheck.Valid;
    }

    /// <summary>The header Stripe would send for this body (the simulated checkout and the tests sign with it).</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var prefix = Encoding.UTF8.GetBytes(t + ".");
        var payload = new byte[prefix.Length + body.Length];
        prefix.CopyTo(payload, 0);
        body.CopyTo(payload.AsSpan(prefix.Length));
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload))}";
    }

    private static bool TryHex(string value, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(value);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
