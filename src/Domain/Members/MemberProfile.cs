using Assemble.Domain.Common;

namespace Assemble.Domain.Members;

public enum PreferredLanguage
{
    Ja,
    En,
}

/// <summary>The profile fields whose visibility a member chooses. The display name is always shown with the profile.</summary>
public enum ProfileField
{
    NameKana,
    Professions,
    Organisation,
    Prefecture,
    Bio,
    Interests,
}

/// <summary>What a member says about themself. Limits are checked by <see cref="MemberProfile.Validate"/>.</summary>
public sealed record ProfileDetails(
    string DisplayName,
    string? NameKana,
    IReadOnlyList<Profession> Professions,
    string? Organisation,
    Prefecture? Prefecture,
    string? Bio,
    IReadOnlyList<string> Interests,
    PreferredLanguage PreferredLanguage,
    IReadOnlyDictionary<ProfileField, Visibility> Visibilities,
    bool IsHidden);

/// <summary>A member's professional profile, one per account, keyed by the account id.</summary>
public sealed class MemberProfile
{
    public const int DisplayNameMaxLength = 50;
    public const int NameKanaMaxLength = 50;
    public const int OrganisationMaxLength = 100;
    public const int BioMaxLength = 2000;
    public const int MaxProfessions = 5;
    public const int MaxInterests = 10;
    public const int InterestMaxLength = 40;

    /// <summary>New profiles show every field to signed-in members only: nothing is public until the member says so.</summary>
    public const Visibility DefaultVisibility = Visibility.Members;

    private List<Profession> _professions = [];
    private List<string> _interests = [];

    private MemberProfile() { }

    public Guid Id { get; private set; }
    public string DisplayName { get; private set; } = "";
    public string? NameKana { get; private set; }
    public IReadOnlyList<Profession> Professions => _professions;
    public string? Organisation { get; private set; }
    public Prefecture? Prefecture { get; private set; }
    public string? Bio { get; private set; }
    public IReadOnlyList<string> Interests => _interests;
    public PreferredLanguage PreferredLanguage { get; private set; }
    public Visibility NameKanaVisibility { get; private set; } = DefaultVisibility;
    public Visibility ProfessionsVisibility { get; private set; } = DefaultVisibility;
    public Visibility OrganisationVisibility { get; private set; } = DefaultVisibility;
    public Visibility PrefectureVisibility { get; private set; } = DefaultVisibility;
    public Visibility BioVisibility { get; private set; } = DefaultVisibility;
    public Visibility InterestsVisibility { get; private set; } = DefaultVisibility;
    public bool IsHidden { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public static Result<MemberProfile> Create(Guid memberId, ProfileDetails details, DateTimeOffset now)
    {
        if (memberId == Guid.Empty) throw new ArgumentException("A profile belongs to a member.", nameof(memberId));
        var profile = new MemberProfile { Id = memberId, CreatedAt = now };
        var result = profile.Update(details, now);
        return result.IsSuccess ? profile : result.Error!;
    }

    /// <summary>Replaces the whole profile; nothing changes when a limit is broken.</summary>
    public Result Update(ProfileDetails details, DateTimeOffset now)
    {
        var checkedDetails = Validate(details);
        if (!checkedDetails.IsSuccess) return checkedDetails.Error!;
        var d = checkedDetails.Value!;

        DisplayName = d.DisplayName;
        NameKana = d.NameKana;
        _professions = [.. d.Professions];
        Organisation = d.Organisation;
        Prefecture = d.Prefecture;
        Bio = d.Bio;
        _interests = [.. d.Interests];
        PreferredLanguage = d.PreferredLanguage;
        NameKanaVisibility = VisibilityOf(d, ProfileField.NameKana);
        ProfessionsVisibility = VisibilityOf(d, ProfileField.Professions);
        OrganisationVisibility = VisibilityOf(d, ProfileField.Organisation);
        PrefectureVisibility = VisibilityOf(d, ProfileField.Prefecture);
        BioVisibility = VisibilityOf(d, ProfileField.Bio);
        InterestsVisibility = VisibilityOf(d, ProfileField.Interests);
        IsHidden = d.IsHidden;
        UpdatedAt = now;
        return Result.Success();
    }

    public Visibility VisibilityOf(ProfileField field) => field switch
    {
        ProfileField.NameKana => NameKanaVisibility,
        ProfileField.Professions => ProfessionsVisibility,
        ProfileField.Organisation => OrganisationVisibility,
        ProfileField.Prefecture => PrefectureVisibility,
        ProfileField.Bio => BioVisibility,
        ProfileField.Interests => InterestsVisibility,
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    /// <summary>Whether the viewer may see this profile at all: a hidden profile exists only for its owner and admins.</summary>
    public bool IsVisibleTo(ViewerLevel viewer) => !IsHidden || viewer == ViewerLevel.Owner;

    /// <summary>Whether the viewer sees the given field.</summary>
    public bool Shows(ProfileField field, ViewerLevel viewer) => IsVisibleTo(viewer) && viewer.CanSee(VisibilityOf(field));

    /// <summary>Trims text, drops empty optional values and duplicates, and checks every limit, naming each broken field.</summary>
    public static Result<ProfileDetails> Validate(ProfileDetails details)
    {
        var errors = new Dictionary<string, string[]>();
        var displayName = details.DisplayName.Trim();
        if (displayName.Length == 0) errors["displayName"] = ["Enter a display name."];
        else if (displayName.Length > DisplayNameMaxLength) errors["displayName"] = [$"Use at most {DisplayNameMaxLength} characters."];
        else if (!SingleLineText.IsSingleLine(displayName)) errors["displayName"] = [SingleLineText.Problem];

        var kana = Blank(details.NameKana);
        if (kana is not null)
        {
            if (kana.Length > NameKanaMaxLength) errors["nameKana"] = [$"Use at most {NameKanaMaxLength} characters."];
            else if (!IsKana(kana)) errors["nameKana"] = ["Use hiragana or katakana only."];
        }

        var professions = details.Professions.Distinct().ToList();
        if (professions.Count > MaxProfessions) errors["professions"] = [$"Choose at most {MaxProfessions} professions."];

        var organisation = Blank(details.Organisation);
        if (organisation?.Length > OrganisationMaxLength) errors["organisation"] = [$"Use at most {OrganisationMaxLength} characters."];

        var bio = Blank(details.Bio);
        if (bio?.Length > BioMaxLength) errors["bio"] = [$"Use at most {BioMaxLength} characters."];

        var interests = details.Interests.Select(i => i.Trim()).Where(i => i.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (interests.Count > MaxInterests) errors["interests"] = [$"Give at most {MaxInterests} interests."];
        else if (interests.Any(i => i.Length > InterestMaxLength)) errors["interests"] = [$"Each interest may have at most {InterestMaxLength} characters."];

        if (details.Prefecture is { } p && !Enum.IsDefined(p)) errors["prefecture"] = ["Unknown prefecture."];

        if (errors.Count > 0) return Error.Validation("profile.invalid", errors);
        return details with
        {
            DisplayName = displayName,
            NameKana = kana,
            Professions = professions,
            Organisation = organisation,
            Bio = bio,
            Interests = interests,
        };
    }

    private static Visibility VisibilityOf(ProfileDetails details, ProfileField field)
        => details.Visibilities.TryGetValue(field, out var v) ? v : DefaultVisibility;

    private static string? Blank(string? value)
    {
        var trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }

    private static bool IsKana(string value) => value.All(c =>
        c is >= '\u3041' and <= '\u309F'   // hiragana
        or >= '\u30A0' and <= '\u30FF'     // katakana, including ー and ・
        or ' ' or '\u3000');
}
