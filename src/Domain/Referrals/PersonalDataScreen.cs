using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Assemble.Domain.Common;

namespace Assemble.Domain.Referrals;

/// <summary>
/// The one rule for free text on the referral board: find what looks like a client's personal data, and say which
/// kinds (<see cref="PersonalDataCategory"/>), never where or what. It reads a normalised copy, so disguises do not
/// help: NFKC (full-width digits and letters, ㍻), zero-width characters removed, <c>at</c>/<c>アット</c>/<c>[at]</c>/<c>(at)</c>
/// read as <c>@</c> and <c>dot</c>/<c>ドット</c>/<c>[dot]</c> as <c>.</c>, kanji numerals read as digits (<c>五十五</c> → 55,
/// <c>〇九〇</c> and <c>○九○</c> → 090, <c>元年</c> → 1年), and dash-like characters between digits (ー − – — ‐ ‑ ‒ ― ｰ －) as <c>-</c>.
/// The stored text is the one the member wrote; only the screen reads the normalised copy.
/// </summary>
public static partial class PersonalDataScreen
{
    /// <summary>The longest text the screen reads. Every screened field is shorter; callers check their own limit first.</summary>
    public const int MaxLength = 2000;

    // Every pattern has a timeout: a text that takes longer is refused as unscreenable, never stored unscreened.
    private const int TimeoutMs = 250;

    /// <summary>The categories found in the text, in the order of <see cref="PersonalDataCategory.All"/>; empty when none.</summary>
    public static IReadOnlyList<string> Find(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        ArgumentOutOfRangeException.ThrowIfGreaterThan(text.Length, MaxLength, nameof(text));
        try
        {
            var found = Screen(text);
            return PersonalDataCategory.All.Where(found.Contains).ToList();
        }
        catch (RegexMatchTimeoutException)
        {
            return [PersonalDataCategory.Unscreenable];
        }
    }

    /// <summary>
    /// Screens each named field (<c>note</c>, <c>locations[0].city</c>); when anything is found, one 422
    /// <see cref="ReferralErrors.PersonalDataSuspected"/> names every such field and its categories.
    /// </summary>
    public static Result Check(params IEnumerable<(string Field, string? Text)> fields)
    {
        var found = new Dictionary<string, string[]>();
        foreach (var (field, text) in fields)
            if (Find(text) is { Count: > 0 } categories) found[field] = [.. categories];
        return found.Count == 0 ? Result.Success() : ReferralErrors.PersonalDataSuspected(found);
    }

    private static HashSet<string> Screen(string text)
    {
        var found = new HashSet<string>();
        var folded = Fold(text);
        if (Email().IsMatch(folded)) found.Add(PersonalDataCategory.Email);
        // The address is gone from what follows, so its digits are not read again as a number.
        var withoutEmail = Email().Replace(folded, " ");
        if (HasName(withoutEmail)) found.Add(PersonalDataCategory.Name);

        var numeric = ReadNumerals(withoutEmail);
        var taken = new List<(int Start, int End)>();
        void Detect(string category, Regex regex, bool yields = false, Func<string, string?>? classify = null)
        {
            foreach (Match m in regex.Matches(numeric))
            {
                var kind = classify is null ? category : classify(m.Value);
                if (kind is null) continue;
                // A weaker reading of text that a stronger one already explains is not a second finding.
                if (yields && taken.Any(t => m.Index < t.End && t.Start < m.Index + m.Length)) continue;
                taken.Add((m.Index, m.Index + m.Length));
                found.Add(kind);
            }
        }

        Detect(PersonalDataCategory.Birthdate, FullDate());
        Detect(PersonalDataCategory.Birthdate, DayMonthYear());
        Detect(PersonalDataCategory.Birthdate, EraYear());
        Detect(PersonalDataCategory.Birthdate, EraLetterDate());
        Detect(PersonalDataCategory.Birthdate, BirthWord());
        Detect(PersonalDataCategory.Birthdate, YearOfBirth());
        Detect(PersonalDataCategory.Phone, JapanesePhone(), classify: v => IsJapanesePhone(Digits(v)) ? PersonalDataCategory.Phone : null);
        Detect(PersonalDataCategory.Phone, InternationalPhone(), classify: v => IsInternationalPhone(v) ? PersonalDataCategory.Phone : null);
        Detect(PersonalDataCategory.MyNumber, GroupedTwelveDigits());
        // Digits spaced, dotted or bracketed any way: 0 9 0 1 2 3 4 5 6 7 8, (090)1234.5678, 1234 5678 9012.
        Detect(PersonalDataCategory.Phone, SeparatedDigits(), classify: ClassifySeparatedDigits);
        Detect(PersonalDataCategory.Postcode, Postcode());
        Detect(PersonalDataCategory.Address, StreetAddress());
        Detect(PersonalDataCategory.Date, PartialDate(), yields: true);
        Detect(PersonalDataCategory.Address, PlaceThenDigits(), yields: true);
        Detect(PersonalDataCategory.Number, DigitRun(), yields: true);
        return found;
    }

    /// <summary>Zero-width characters out, NFKC, and the spelled-out <c>@</c> and <c>.</c> of a disguised e-mail address read back.</summary>
    internal static string Fold(string text)
    {
        var kept = new StringBuilder(text.Length);
        foreach (var c in text)
            if (c is not ('\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u00AD')) kept.Append(c);
        var t = kept.ToString().Normalize(NormalizationForm.FormKC);
        t = SpelledAt().Replace(t, "@");
        t = SpelledDot().Replace(t, ".");
        return SpacedMailPunctuation().Replace(t, "$1");
    }

    /// <summary>Kanji numerals as digits, 元年 as 1年, and dash-like characters between digits as <c>-</c>.</summary>
    internal static string ReadNumerals(string text)
    {
        var t = KanjiNumeral().Replace(text, m => ReadKanjiNumber(m.Value));
        t = FirstEraYear().Replace(t, "1");
        return DashBetweenDigits().Replace(t, "-");
    }

    private static string ReadKanjiNumber(string run)
    {
        static int Digit(char c) => "〇一二三四五六七八九".IndexOf(c) is var i and >= 0 ? i : 0; // 零, ○ and ◯ read as 0 too
        if (run.IndexOfAny(['十', '百', '千']) < 0) return string.Concat(run.Select(c => (char)('0' + Digit(c))));
        // 五十五 → 55, 千九百八十 → 1980, 十 → 10: a digit before a unit multiplies it, a missing one counts as 1.
        const long cap = 1_000_000_000_000_000;
        long total = 0, current = 0;
        foreach (var c in run)
        {
            var unit = c switch { '十' => 10, '百' => 100, '千' => 1000, _ => 0 };
            if (unit == 0) current = Math.Min(cap, current * 10 + Digit(c));
            else (total, current) = (Math.Min(cap, total + (current == 0 ? 1 : current) * unit), 0);
        }
        return Math.Min(cap, total + current).ToString(CultureInfo.InvariantCulture);
    }

    private static string Digits(string value) => string.Concat(value.Where(char.IsAsciiDigit));

    /// <summary>A Japanese number: 0 then 9 or 10 more digits (03-1234-5678, 090-1234-5678, 0120-123-456); 00… is an international prefix.</summary>
    private static bool IsJapanesePhone(string digits) => digits.Length is 10 or 11 && digits[0] == '0' && digits[1] != '0';

    private static bool IsInternationalPhone(string value)
    {
        var digits = Digits(value.Replace("(0)", "", StringComparison.Ordinal));
        return digits.StartsWith("81", StringComparison.Ordinal)
            ? digits.Length - 2 is 9 or 10 && digits[2] != '0'
            : digits.Length is >= 8 and <= 15;
    }

    private static string? ClassifySeparatedDigits(string value)
    {
        if (value.StartsWith('+')) return IsInternationalPhone(value) ? PersonalDataCategory.Phone : null;
        var digits = Digits(value);
        if (IsJapanesePhone(digits)) return PersonalDataCategory.Phone;
        return digits.Length == 12 ? PersonalDataCategory.MyNumber : null;
    }

    private static bool HasName(string text)
    {
        foreach (Match m in NameWithHonorific().Matches(text))
            if (!NotAName.Allows(m.Groups["name"].Value, m.Groups["honorific"].Value)) return true;
        return false;
    }

    // --- Normalising -----------------------------------------------------------------------------------------------

    [GeneratedRegex(@"\s*[\[({<]\s*(?:at|@|アット)\s*[\])}>]\s*|(?<=[A-Za-z0-9._%+-])\s*(?:アットマーク|アット|あっとまーく|あっと|[★☆])\s*(?=[A-Za-z0-9])|(?<=[A-Za-z0-9._%+-])\s+at\s+(?=[A-Za-z0-9])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex SpelledAt();

    [GeneratedRegex(@"\s*[\[({<]\s*(?:dot|\.|ドット)\s*[\])}>]\s*|(?<=[A-Za-z0-9])\s*(?:ドット|どっと)\s*(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])\s+dot\s+(?=[A-Za-z0-9])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex SpelledDot();

    [GeneratedRegex(@"(?<=[A-Za-z0-9])\s*([@.])\s*(?=[A-Za-z0-9])", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex SpacedMailPunctuation();

    [GeneratedRegex(@"[〇○◯零一二三四五六七八九十百千]+", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex KanjiNumeral();

    [GeneratedRegex(@"(?<=(?:明治|大正|昭和|平成|令和)\s?)元(?=\s?年)", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex FirstEraYear();

    [GeneratedRegex(@"(?<=\d)\s?[ー−–—‐‑‒―ｰ－-]\s?(?=\d)", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex DashBetweenDigits();

    // --- What is looked for ----------------------------------------------------------------------------------------

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@(?:(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}|(?:gmail|yahoo|docomo|ezweb|softbank|icloud|outlook|hotmail)(?![A-Za-z]))",
        RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex Email();

    /// <summary>1980年3月2日, 1980/3/2, 1980-03-02, 1980.3.2.</summary>
    [GeneratedRegex(@"(?<![\d./-])(?:19|20)\d{2}\s?[年/.-]\s?(?:0?[1-9]|1[0-2])\s?[月/.-]\s?(?:0?[1-9]|[12]\d|3[01])(?!\d|[/-]\d)", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex FullDate();

    /// <summary>2/3/1980 either way round.</summary>
    [GeneratedRegex(@"(?<![\d./-])\d{1,2}/\d{1,2}/(?:19|20)\d{2}(?!\d)", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex DayMonthYear();

    /// <summary>An era and a year (平成元年, 昭和55年3月2日, 昭和55.3.2); a fiscal year (令和6年度) and the era alone (令和の) pass.</summary>
    [GeneratedRegex(@"(?:明治|大正|昭和|平成|令和)\s?\d{1,2}\s?(?:年(?!度)(?:\s?\d{1,2}\s?月(?:\s?\d{1,2}\s?日)?)?|[./-]\s?\d{1,2}\s?[./-]\s?\d{1,2}(?!\d))", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex EraYear();

    /// <summary>H2.3.4, S55.3.2, R2/5/6.</summary>
    [GeneratedRegex(@"(?<![A-Za-z])[MTSHR]\.?\s?\d{1,2}\s?[./年-]\s?\d{1,2}\s?[./月-]\s?\d{1,2}(?!\d)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex EraLetterDate();

    [GeneratedRegex(@"生年月日|誕生日|出生日|生まれ年", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex BirthWord();

    /// <summary>2010年生まれ, 2010年4月生; not 2019年生活.</summary>
    [GeneratedRegex(@"(?<!\d)(?:19|20)\d{2}\s?年(?:\s?\d{1,2}\s?月)?(?:\s?\d{1,2}\s?日)?\s?(?:生まれ|生(?!\p{IsCJKUnifiedIdeographs}))", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex YearOfBirth();

    /// <summary>03-1234-5678, 090 1234 5678, (06)6123-4567, 0120-123-456, 09012345678 (the digits are counted after).</summary>
    [GeneratedRegex(@"(?<![\d+-])\(?0\d{1,4}\)?[\s.-]?\(?\d{1,4}\)?[\s.-]?\d{3,4}(?![\d-])", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex JapanesePhone();

    /// <summary>+81 90-1234-5678, +81(0)3 1234 5678, +819012345678, +44 20 7946 0958.</summary>
    [GeneratedRegex(@"\+\s?[1-9]\d{0,2}[\s.-]?(?:\(0\)\s?)?\(?\d{1,4}\)?(?:[\s.-]?\d{1,4}){1,4}(?!\d)", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex InternationalPhone();

    [GeneratedRegex(@"(?<![\d+-])\d{4}[\s.-]?\d{4}[\s.-]?\d{4}(?![\d-])", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex GroupedTwelveDigits();

    [GeneratedRegex(@"\+?\d(?:[\s.()-]{0,2}\d){7,}", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex SeparatedDigits();

    /// <summary>〒150-0001, 〒1500001, 150-0001, 150 0001 (and 150ー0001, read as a dash).</summary>
    [GeneratedRegex(@"〒\s?\d{3}\s?-?\s?\d{4}(?!\d)|(?<![\d.-]|[\d-]\s)\d{3}[\s-]\d{4}(?!\s?[\d-])", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex Postcode();

    /// <summary>3丁目, 12番地, 5番12号, 101号室.</summary>
    [GeneratedRegex(@"\d{1,3}\s?丁目|\d{1,5}\s?番地|\d{1,5}\s?番\s?\d{1,5}|\d{1,5}\s?号室", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex StreetAddress();

    /// <summary>
    /// 渋谷区神南1-2-3, 千代田区丸の内1-2, 神南1-2-3: digit-dash-digit after a place name. Two parts only after a place
    /// suffix (都道府県市区町村郡) and not before a unit, so 大阪市内週1-2回 passes.
    /// </summary>
    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}*[都道府県市区町村郡][\p{IsCJKUnifiedIdeographs}々ヶケのが]{0,12}?\d{1,5}-\d{1,5}(?:-\d{1,5})?(?![\d-]|\s?[回時分秒歳才年月日週人名点割%か箇個錠代件度ヶカ倍])|(?<=[\p{IsCJKUnifiedIdeographs}々ヶ])\d{1,5}-\d{1,5}-\d{1,5}(?![\d-])",
        RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex PlaceThenDigits();

    /// <summary>1980年3月, 2010/4, 3月2日.</summary>
    [GeneratedRegex(@"(?<![\d./-])(?:19|20)\d{2}\s?(?:年\s?(?:0?[1-9]|1[0-2])\s?月|[/.](?:0?[1-9]|1[0-2])(?![\d/.]))|(?<!\d)(?:0?[1-9]|1[0-2])\s?月\s?(?:0?[1-9]|[12]\d|3[01])\s?日",
        RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex PartialDate();

    [GeneratedRegex(@"\d{6,}", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex DigitRun();

    /// <summary>
    /// A run of kanji, katakana or Latin letters right before 様, さま, さん, 氏, 君, くん or ちゃん; 様子, 様式, 氏名 and
    /// 君主 are words, not honorifics. Hiragana runs are not read (お母さん, みなさん would all look like names).
    /// </summary>
    [GeneratedRegex(@"(?:(?<![\p{IsCJKUnifiedIdeographs}々〆ヶ])(?<name>[\p{IsCJKUnifiedIdeographs}々〆ヶ]+)|(?<![\p{IsKatakana}])(?<name>[\p{IsKatakana}]{2,})|(?<![A-Za-z])(?<name>[A-Za-z][A-Za-z'-]*))\s?(?<honorific>様(?![子式態相々])|さま|さん|氏(?!名)|君(?!主)|くん|ちゃん)",
        RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex NameWithHonorific();
}
