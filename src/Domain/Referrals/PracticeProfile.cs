using Assemble.Domain.Common;
using Assemble.Domain.Members;

namespace Assemble.Domain.Referrals;

public enum VocabularyKind { Specialty, Modality }

public enum AgeGroup { Child, Adolescent, Adult, OlderAdult }

public enum Delivery { InPerson, Online, Phone }

public enum PracticeSetting { Clinic, Hospital, School, Workplace, Welfare, PrivatePractice }

public enum Acceptance { Accepting, Waitlist, NotAccepting }

/// <summary>A term of a controlled vocabulary (data, not code): admins add and retire terms; each has both labels.</summary>
public sealed class VocabularyTerm
{
    private VocabularyTerm() { }

    public VocabularyTerm(VocabularyKind kind, string code, string labelJa, string labelEn)
    {
        Kind = kind;
        Code = code;
        LabelJa = labelJa;
        LabelEn = labelEn;
        Active = true;
    }

    public VocabularyKind Kind { get; private set; }
    public string Code { get; private set; } = "";
    public string LabelJa { get; private set; } = "";
    public string LabelEn { get; private set; } = "";
    /// <summary>Retired terms stay on the profiles and requests that use them but cannot be chosen anew.</summary>
    public bool Active { get; private set; }

    public const int CodeMaxLength = 60;
    public const int LabelMaxLength = 100;

    /// <summary>Checks a new term: a lower-case code (<c>trauma-ptsd</c>) and both labels.</summary>
    public static Result<VocabularyTerm> Create(VocabularyKind kind, string? code, string? labelJa, string? labelEn, bool active)
    {
        var term = new VocabularyTerm { Kind = kind, Code = code?.Trim() ?? "" };
        if (term.Code.Length is 0 or > CodeMaxLength || !term.Code.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') || term.Code.StartsWith('-') || term.Code.EndsWith('-'))
            return Error.Validation("vocabulary.invalid", new Dictionary<string, string[]> { ["code"] = [$"Lower-case letters, digits and hyphens, at most {CodeMaxLength} characters."] });
        var set = term.Set(labelJa, labelEn, active);
        return set.IsSuccess ? term : set.Error!;
    }

    /// <summary>Relabels, retires or restores the term; its code never changes (profiles and requests refer to it).</summary>
    public Result Set(string? labelJa, string? labelEn, bool active)
    {
        var ja = labelJa?.Trim() ?? "";
        var en = labelEn?.Trim() ?? "";
        var errors = new Dictionary<string, string[]>();
        if (ja.Length is 0 or > LabelMaxLength) errors["labelJa"] = [$"1 to {LabelMaxLength} characters."];
        if (en.Length is 0 or > LabelMaxLength) errors["labelEn"] = [$"1 to {LabelMaxLength} characters."];
        if (errors.Count > 0) return Error.Validation("vocabulary.invalid", errors);
        LabelJa = ja;
        LabelEn = en;
        Active = active;
        return Result.Success();
    }
}

/// <summary>Where a professional sees clients in person; coordinates are optional (for distance).</summary>
public sealed record PracticeLocation(Prefecture Prefecture, string? City, double? Latitude, double? Longitude);

/// <summary>What a verified professional offers on the referral board. It describes a practice, never a client.</summary>
public sealed record PracticeDetails(
    IReadOnlyList<string> Specialties,
    IReadOnlyList<string> Modalities,
    IReadOnlyList<AgeGroup> AgeGroups,
    IReadOnlyList<string> Languages,
    IReadOnlyList<Delivery> Delivery,
    IReadOnlyList<PracticeLocation> Locations,
    IReadOnlyList<Prefecture> OnlinePrefectures,
    IReadOnlyList<PracticeSetting> Settings,
    int? FeeMinYen,
    int? FeeMaxYen,
    bool InsuranceCovered,
    Acceptance Acceptance,
    int? TypicalWaitWeeks);

/// <summary>A verified professional's practice profile on the referral board.</summary>
public sealed class PracticeProfile
{
    /// <summary>An acceptance status not confirmed for this long reads as unknown.</summary>
    public static readonly TimeSpan AcceptanceFreshFor = TimeSpan.FromDays(30);

    private PracticeProfile() { }

    public Guid MemberId { get; private set; }
    public List<string> Specialties { get; private set; } = [];
    public List<string> Modalities { get; private set; } = [];
    public List<AgeGroup> AgeGroups { get; private set; } = [];
    public List<string> Languages { get; private set; } = [];
    public List<Delivery> Delivery { get; private set; } = [];
    public List<PracticeLocation> Locations { get; private set; } = [];
    public List<Prefecture> OnlinePrefectures { get; private set; } = [];
    public List<PracticeSetting> Settings { get; private set; } = [];
    public int? FeeMinYen { get; private set; }
    public int? FeeMaxYen { get; private set; }
    public bool InsuranceCovered { get; private set; }
    public Acceptance Acceptance { get; private set; }
    public DateTimeOffset AcceptanceConfirmedAt { get; private set; }
    public int? TypicalWaitWeeks { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public static Result<PracticeProfile> Create(Guid memberId, PracticeDetails details, ISet<string> specialties, ISet<string> modalities, DateTimeOffset now)
    {
        var profile = new PracticeProfile { MemberId = memberId };
        var set = profile.Update(details, specialties, modalities, now);
        return set.IsSuccess ? profile : set.Error!;
    }

    /// <summary>Replaces the profile. Saving it confirms the acceptance status as of now.</summary>
    public Result Update(PracticeDetails d, ISet<string> knownSpecialties, ISet<string> knownModalities, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (d.Specialties.Contains(null!) || d.Modalities.Contains(null!) || d.Languages.Contains(null!) || d.Locations.Contains(null!))
            return Error.Validation("practice.invalid", new Dictionary<string, string[]> { ["items"] = ["Lists hold values, not null."] });
        if (d.Specialties.Count == 0 || d.Specialties.Count > 15) errors["specialties"] = ["Choose 1 to 15 specialties."];
        else if (d.Specialties.FirstOrDefault(s => !knownSpecialties.Contains(s)) is { } unknownSpecialty) errors["specialties"] = [$"Unknown specialty '{unknownSpecialty}'."];
        if (d.Modalities.Count > 15) errors["modalities"] = ["At most 15 modalities."];
        else if (d.Modalities.FirstOrDefault(m => !knownModalities.Contains(m)) is { } unknownModality) errors["modalities"] = [$"Unknown modality '{unknownModality}'."];
        if (d.AgeGroups.Count == 0) errors["ageGroups"] = ["Choose at least one age group."];
        if (d.Languages.Count == 0 || d.Languages.Any(l => l.Length != 2 || !l.All(char.IsAsciiLetterLower))) errors["languages"] = ["Give ISO 639-1 codes such as ja or en."];
        if (d.Delivery.Count == 0) errors["delivery"] = ["Choose how you see clients."];
        if (d.Delivery.Contains(Referrals.Delivery.InPerson) && d.Locations.Count == 0) errors["locations"] = ["Give at least one location for in-person work."];
        if (d.Locations.Count > 5) errors["locations"] = ["At most 5 locations."];
        if (d.Locations.Any(l => l.City?.Length > 100 || l.Latitude is < -90 or > 90 || l.Longitude is < -180 or > 180 || (l.Latitude is null) != (l.Longitude is null)))
            errors["locations"] = ["A city has at most 100 characters; latitude and longitude come together and in range."];
        if (d.FeeMinYen is < 0 || d.FeeMaxYen is < 0 || d.FeeMinYen > d.FeeMaxYen) errors["feeMaxYen"] = ["Fees are whole yen, the minimum not above the maximum."];
        if (d.TypicalWaitWeeks is < 0 or > 104) errors["typicalWaitWeeks"] = ["From 0 to 104 weeks."];
        if (errors.Count > 0) return Error.Validation("practice.invalid", errors);
        // The city is the profile's only free text that others read.
        var screened = PersonalDataScreen.Check(d.Locations.Select((l, i) => ($"locations[{i}].city", l.City)));
        if (!screened.IsSuccess) return screened;

        Specialties = [.. d.Specialties.Distinct()];
        Modalities = [.. d.Modalities.Distinct()];
        AgeGroups = [.. d.AgeGroups.Distinct()];
        Languages = [.. d.Languages.Distinct()];
        Delivery = [.. d.Delivery.Distinct()];
        Locations = [.. d.Locations];
        OnlinePrefectures = [.. d.OnlinePrefectures.Distinct()];
        Settings = [.. d.Settings.Distinct()];
        FeeMinYen = d.FeeMinYen;
        FeeMaxYen = d.FeeMaxYen;
        InsuranceCovered = d.InsuranceCovered;
        Acceptance = d.Acceptance;
        AcceptanceConfirmedAt = now;
        TypicalWaitWeeks = d.TypicalWaitWeeks;
        UpdatedAt = now;
        return Result.Success();
    }

    /// <summary>The acceptance status as others should read it: unknown (null) once it is older than 30 days.</summary>
    public Acceptance? AcceptanceAsOf(DateTimeOffset now) => now - AcceptanceConfirmedAt > AcceptanceFreshFor ? null : Acceptance;
}
