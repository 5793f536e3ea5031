using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Assemble.Api.Common;

/// <summary>
/// An id signed into a link that works without signing in for a while (Data Protection, time-limited, one purpose per
/// kind of link): the pay link, the receipt link. A forged, altered or expired token reads as no id.
/// </summary>
public static class SignedIds
{
    public static string Sign(IDataProtectionProvider protection, string purpose, Guid id, TimeSpan lifetime)
        => Protector(protection, purpose).Protect(id.ToString("N"), lifetime);

    public static Guid? Read(IDataProtectionProvider protection, string purpose, string? token)
    {
        try
        {
            return Guid.ParseExact(Protector(protection, purpose).Unprotect(token ?? ""), "N");
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }

    private static ITimeLimitedDataProtector Protector(IDataProtectionProvider protection, string purpose)
        => protection.CreateProtector(purpose).ToTimeLimitedDataProtector();
}
