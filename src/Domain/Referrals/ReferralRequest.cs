using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Assemble.Domain.Common;
using Assemble.Domain.Members;

namespace Assemble.Domain.Referrals;

public enum Urgency { Routine, WithinTwoWeeks }

public enum ReferralStatus { Open, Closed }

/// <summary>
/// A need, never a person: what kind of professional a clinician is looking for. There is no field for a client's
/// name, birth date, age, contact, address, insurance or record number or diagnosis, and the free-text note is
/// screened for anything that looks like one.
/// </summary>
public sealed class ReferralRequest
{
    public const int NoteMaxLength = 500;

    private ReferralRequest() { }

    public Guid Id { get; private set; }
    public Guid RequesterId { get; private set; }
    public List<Profession> WantedProfessions { get; private set; } = [];
    public List<string> Specialties { get; private set; } = [];
    public List<string> Modalities { get; private set; } = [];
    public AgeGroup? AgeGroup { get; private set; }
    public List<string> Languages { get; private set; } = [];
    public List<Delivery> Delivery { get; private set; } = [];
    public List<Prefecture> Area { get; private set; } = [];
    public int? MaxFeeYen { get; private set; }
    public bool InsuranceNeeded { get; private set; }
    public Urgency Urgency { get; private set; }
    /// <summary>The kind of help wanted, in ≤ 500 characters; deleted 90 days after the request closes.</summary>
    public string? Note { get; private set; }
    public ReferralStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static Result<ReferralRequest> Create(Guid requesterId, IReadOnlyList<Profession> professions, IReadOnlyList<string> specialties, IReadOnlyList<string> modalities,
        AgeGroup? ageGroup, IReadOnlyList<string> languages, IReadOnlyList<Delivery> delivery, IReadOnlyList<Prefecture> area, int? maxFeeYen, bool insuranceNeeded,
        Urgency urgency, string? note, ISet<string> knownSpecialties, ISet<string> knownModalities, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (professions.Count == 0) errors["wantedProfessions"] = ["Choose at least one profession."];
        if (specialties.FirstOrDefault(s => !knownSpecialties.Contains(s)) is { } s1) errors["specialties"] = [$"Unknown specialty '{s1}'."];
        if (modalities.FirstOrDefault(m => !knownModalities.Contains(m)) is { } m1) errors["modalities"] = [$"Unknown modality '{m1}'."];
        if (languages.Any(l => l.Length != 2 || !l.All(char.IsAsciiLetterLower))) errors["languages"] = ["Give ISO 639-1 codes such as ja or en."];
        if (maxFeeYen is < 0) errors["maxFeeYen"] = ["Whole yen, 0 or more."];
        var trimmed = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (trimmed?.Length > NoteMaxLength) errors["note"] = [$"Use at most {NoteMaxLength} characters."];
        if (errors.Count > 0) return Error.Validation("referral.invalid", errors);

        var found = PersonalDataScreen.Find(trimmed);
        if (found.Count > 0)
            return new Error("referral.personal_data_suspected",
                $"The note seems to contain personal data ({string.Join(", ", found)}). Describe the need, never the person: the referral letter stays between clinicians.",
                ErrorKind.Rule) { Fields = new Dictionary<string, string[]> { ["note"] = [.. found] } };

        return new ReferralRequest
        {
            Id = Guid.CreateVersion7(now), RequesterId = requesterId, WantedProfessions = [.. professions.Distinct()], Specialties = [.. specialties.Distinct()],
            Modalities = [.. modalities.Distinct()], AgeGroup = ageGroup, Languages = [.. languages.Distinct()], Delivery = [.. delivery.Distinct()],
            Area = [.. area.Distinct()], MaxFeeYen = maxFeeYen, InsuranceNeeded = insuranceNeeded, Urgency = urgency, Note = trimmed,
            Status = ReferralStatus.Open, CreatedAt = now,
        };
    }
}

/// <summary>Finds what looks like a client's personal data in free text (full-width characters folded first).</summary>
public static partial class PersonalDataScreen
{
    public static IReadOnlyList<string> Find(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var t = text.Normalize(NormalizationForm.FormKC);
        var found = new List<string>();
        if (Email().IsMatch(t)) found.Add("email");
        if (Phone().IsMatch(t)) found.Add("phone");
        if (Postcode().IsMatch(t)) found.Add("postcode");
        if (Date().IsMatch(t) || EraDate().IsMatch(t)) found.Add("date");
        if (DigitRun().IsMatch(t)) found.Add("number");
        return found;
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")]
    private static partial Regex Email();

    [GeneratedRegex(@"(\+81[\s-]?|(?<!\d)0)\d{1,4}[\s-]?\d{1,4}[\s-]?\d{3,4}(?!\d)")]
    private static partial Regex Phone();

    [GeneratedRegex(@"〒\s?\d{3}-?\d{4}|(?<!\d)\d{3}-\d{4}(?!\d)")]
    private static partial Regex Postcode();

    [GeneratedRegex(@"(?<!\d)(19|20)\d{2}[/.\-年]\s?\d{1,2}[/.\-月]\s?\d{1,2}日?|(?<!\d)\d{1,2}/\d{1,2}/(19|20)?\d{2}(?!\d)|\d{1,2}月\d{1,2}日")]
    private static partial Regex Date();

    [GeneratedRegex(@"(昭和|平成|令和|[SHR])\s?\d{1,2}\s?[年./]\s?\d{1,2}")]
    private static partial Regex EraDate();

    [GeneratedRegex(@"\d{6,}")]
    private static partial Regex DigitRun();
}
