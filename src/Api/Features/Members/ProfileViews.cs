using Assemble.Domain.Members;

namespace Assemble.Api.Features.Members;

/// <summary>Which audience sees each field; absent fields keep the default (members).</summary>
public sealed record FieldVisibility(
    Visibility? NameKana = null,
    Visibility? Professions = null,
    Visibility? Organisation = null,
    Visibility? Prefecture = null,
    Visibility? Bio = null,
    Visibility? Interests = null)
{
    public static FieldVisibility Of(MemberProfile p) => new(
        p.NameKanaVisibility, p.ProfessionsVisibility, p.OrganisationVisibility,
        p.PrefectureVisibility, p.BioVisibility, p.InterestsVisibility);

    public IReadOnlyDictionary<ProfileField, Visibility> ToDictionary()
    {
        var map = new Dictionary<ProfileField, Visibility>();
        if (NameKana is { } a) map[ProfileField.NameKana] = a;
        if (Professions is { } b) map[ProfileField.Professions] = b;
        if (Organisation is { } c) map[ProfileField.Organisation] = c;
        if (Prefecture is { } d) map[ProfileField.Prefecture] = d;
        if (Bio is { } e) map[ProfileField.Bio] = e;
        if (Interests is { } f) map[ProfileField.Interests] = f;
        return map;
    }
}

/// <summary>
/// A member's profile as another person sees it: fields the viewer may not see are absent (not null-valued,
/// absent), and verified professions travel with the professions field's visibility.
/// </summary>
public sealed record MemberProfileView(
    Guid Id,
    string DisplayName,
    string? NameKana,
    IReadOnlyList<Profession>? Professions,
    IReadOnlyList<Profession>? VerifiedProfessions,
    string? Organisation,
    Prefecture? Prefecture,
    string? Bio,
    IReadOnlyList<string>? Interests)
{
    public static MemberProfileView For(MemberProfile p, IReadOnlyList<Profession> verified, ViewerLevel viewer) => new(
        p.Id,
        p.DisplayName,
        p.Shows(ProfileField.NameKana, viewer) ? p.NameKana : null,
        p.Shows(ProfileField.Professions, viewer) ? p.Professions : null,
        p.Shows(ProfileField.Professions, viewer) ? verified : null,
        p.Shows(ProfileField.Organisation, viewer) ? p.Organisation : null,
        p.Shows(ProfileField.Prefecture, viewer) ? p.Prefecture : null,
        p.Shows(ProfileField.Bio, viewer) ? p.Bio : null,
        p.Shows(ProfileField.Interests, viewer) ? p.Interests : null);
}
