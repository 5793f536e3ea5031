using System.Text;
using System.Text.RegularExpressions;
using Assemble.Domain.Common;

namespace Assemble.Domain.Referrals;

/// <summary>
/// The kinds of contact channel: each one structured and checked for its kind. There is no free-text kind: a
/// professional's contact is an address, a number or a site, and free text next to it could carry a client's data.
/// </summary>
public enum ContactKind { Email, Phone, Website }

/// <summary>How a professional wants to be reached about a referral (their own work contact, never a client's).</summary>
public sealed partial record ContactChannel(ContactKind Kind, string Value)
{
    public const int ValueMaxLength = 200;

    /// <summary>
    /// Checks a value for its kind, after NFKC (full-width digits and letters become ASCII) and trimming:
    /// an e-mail is one address (local part @ a domain with a dot and a letter TLD, nothing else around it);
    /// a phone is digits in a Japanese form (03-1234-5678, 090-1234-5678, 0120-123-456, 0312345678) or E.164
    /// (+81 3-1234-5678, +819012345678), with only hyphens or spaces between groups; a website is an absolute
    /// https URL on a domain name, with no user name, query or fragment. A refusal names <c>contact.value</c>, never the value.
    /// </summary>
    public static Result<ContactChannel> Create(ContactKind kind, string? value)
    {
        var v = (value ?? "").Normalize(NormalizationForm.FormKC).Trim();
        var problem = v.Length is 0 or > ValueMaxLength ? $"Give 1 to {ValueMaxLength} characters."
            : kind switch
            {
                ContactKind.Email => IsEmail(v) ? null : "Give one e-mail address, such as office@example.jp.",
                ContactKind.Phone => IsPhone(v) ? null : "Give one phone number in digits, such as 03-1234-5678, 090-1234-5678, 0120-123-456 or +81 3-1234-5678.",
                ContactKind.Website => IsWebsite(v) ? null : "Give an https address with no user name, query (?…) or fragment (#…), such as https://example.jp/contact.",
                _ => "Give email, phone or website.",
            };
        return problem is null ? new ContactChannel(kind, v)
            : Error.Validation("contact.invalid", new Dictionary<string, string[]> { ["contact.value"] = [problem] });
    }

    private static bool IsEmail(string v) => v.Length <= 254 && v.IndexOf('@') is var at and > 0 and <= 64 && EmailAddress().IsMatch(v);

    private static bool IsPhone(string v)
    {
        var digits = string.Concat(v.Where(char.IsAsciiDigit));
        if (JapanesePhone().IsMatch(v)) return digits.Length is 10 or 11 && digits[1] != '0';
        if (!InternationalPhone().IsMatch(v)) return false;
        return digits.StartsWith("81", StringComparison.Ordinal) ? digits.Length - 2 is 9 or 10 && digits[2] != '0' : digits.Length is >= 8 and <= 15;
    }

    private static bool IsWebsite(string v)
        => !v.Any(c => char.IsWhiteSpace(c) || c is '?' or '#' or '\\')
           && Uri.TryCreate(v, UriKind.Absolute, out var uri)
           && uri.Scheme == Uri.UriSchemeHttps
           && uri.UserInfo.Length == 0 && !uri.Authority.Contains('@')
           && uri.HostNameType == UriHostNameType.Dns && uri.Host.Contains('.')
           && uri.Query.Length == 0 && uri.Fragment.Length == 0;

    // Linear-time matching: these read what members type.
    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\z",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex EmailAddress();

    [GeneratedRegex(@"^0\d{1,4}(?:[- ]?\d{1,4}){1,2}\z", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex JapanesePhone();

    [GeneratedRegex(@"^\+[1-9]\d{0,2}(?:[- ]?\d{1,4}){2,5}\z", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex InternationalPhone();
}
