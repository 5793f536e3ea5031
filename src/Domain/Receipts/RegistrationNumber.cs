using Assemble.Domain.Common;

namespace Assemble.Domain.Receipts;

/// <summary>
/// A qualified-invoice issuer's registration number (適格請求書発行事業者の登録番号): "T" and 13 digits. For a
/// corporation the digits are its 法人番号; for anyone else (a sole proprietor, an unincorporated association) they
/// are 13 digits that never collide with one (国税庁, invoice-kohyo.nta.go.jp "登録番号とは"). The first digit checks
/// the other twelve, as 財務省令第七十号「法人番号の指定等に関する省令」第二条 specifies (worked through in 国税庁's
/// houjin-bangou.nta.go.jp/documents/checkdigit.pdf):
/// <c>check = 9 − ((Σ_{n=1..12} Pn × Qn) mod 9)</c>, where Pn is the n-th digit of the twelve counted from the
/// lowest, and Qn is 1 for odd n and 2 for even n. The check is always 1 to 9, so the number never starts with 0.
/// It catches any single wrong digit but a 0 and a 9 swapped.
/// </summary>
public sealed record RegistrationNumber
{
    private RegistrationNumber(string value) => Value = value;

    /// <summary>"T" and the 13 digits, as printed on a qualified invoice.</summary>
    public string Value { get; }

    public override string ToString() => Value;

    public static readonly Error Invalid = new("issuer.registration_number_invalid",
        "A registration number is T followed by 13 digits whose first digit checks the other twelve (as 国税庁 specifies).", ErrorKind.Validation);

    /// <summary>
    /// Reads a number as people type it: full-width or half-width, with or without the T, with spaces or hyphens
    /// between groups (T1-2345-6789-0123).
    /// </summary>
    public static Result<RegistrationNumber> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Invalid;
        var normalized = text.Normalize(System.Text.NormalizationForm.FormKC).Trim();
        if (normalized.StartsWith('T') || normalized.StartsWith('t')) normalized = normalized[1..];
        var digits = new string(normalized.Where(c => c is not (' ' or '-')).ToArray());
        if (digits.Length != 13 || !digits.All(char.IsAsciiDigit)) return Invalid;
        return digits[0] - '0' == CheckDigit(digits.AsSpan(1)) ? new RegistrationNumber("T" + digits) : Invalid;
    }

    /// <summary>The check digit of a 12-digit base number.</summary>
    public static int CheckDigit(ReadOnlySpan<char> twelve)
    {
        if (twelve.Length != 12) throw new ArgumentException("The base number has 12 digits.", nameof(twelve));
        var sum = 0;
        for (var n = 1; n <= 12; n++)
        {
            var digit = twelve[12 - n] - '0';
            sum += digit * (n % 2 == 1 ? 1 : 2);
        }
        return 9 - sum % 9;
    }
}
