using Assemble.Domain.Common;
using Assemble.Domain.Members;
using Xunit;

namespace Assemble.Domain.UnitTests;

public sealed class MemberProfileTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static ProfileDetails Details(
        string displayName = "佐藤 真理", string? kana = "サトウ マリ", string? bio = null, bool hidden = false,
        IReadOnlyList<string>? interests = null, Dictionary<ProfileField, Visibility>? visibility = null, IReadOnlyList<Profession>? professions = null)
        => new(displayName, kana, professions ?? [Profession.CertifiedPublicPsychologist], "梅田こころのクリニック", Prefecture.Osaka, bio,
            interests ?? ["トラウマ"], PreferredLanguage.Ja, visibility ?? [], hidden);

    private static MemberProfile Profile(ProfileDetails? details = null) => MemberProfile.Create(Guid.NewGuid(), details ?? Details(), Now).Value!;

    [Fact]
    public void Create_WithNoVisibilityChosen_ShowsEveryFieldToMembersOnly()
    {
        var profile = Profile();
        foreach (var field in Enum.GetValues<ProfileField>())
        {
            Assert.False(profile.Shows(field, ViewerLevel.Anonymous));
            Assert.True(profile.Shows(field, ViewerLevel.Member));
        }
    }

    [Theory]
    [InlineData(Visibility.Public, ViewerLevel.Anonymous, true)]
    [InlineData(Visibility.Members, ViewerLevel.Anonymous, false)]
    [InlineData(Visibility.Members, ViewerLevel.Member, true)]
    [InlineData(Visibility.VerifiedProfessionals, ViewerLevel.Member, false)]
    [InlineData(Visibility.VerifiedProfessionals, ViewerLevel.VerifiedProfessional, true)]
    [InlineData(Visibility.OnlyMe, ViewerLevel.VerifiedProfessional, false)]
    [InlineData(Visibility.OnlyMe, ViewerLevel.Owner, true)]
    public void Shows_FieldAtVisibility_OnlyToViewersAtOrAboveIt(Visibility visibility, ViewerLevel viewer, bool shown)
    {
        var profile = Profile(Details(visibility: new() { [ProfileField.Bio] = visibility }));
        Assert.Equal(shown, profile.Shows(ProfileField.Bio, viewer));
    }

    [Fact]
    public void IsVisibleTo_WhenHidden_OnlyTheOwnerLevel()
    {
        var profile = Profile(Details(hidden: true, visibility: new() { [ProfileField.Bio] = Visibility.Public }));
        Assert.False(profile.IsVisibleTo(ViewerLevel.Anonymous));
        Assert.False(profile.IsVisibleTo(ViewerLevel.VerifiedProfessional));
        Assert.False(profile.Shows(ProfileField.Bio, ViewerLevel.Anonymous));
        Assert.True(profile.IsVisibleTo(ViewerLevel.Owner));
    }

    [Fact]
    public void Update_TrimsTextAndDropsDuplicatesAndBlanks()
    {
        var profile = Profile(Details(displayName: "  佐藤  ", kana: "  ", bio: "  ", interests: ["CBT", "cbt", " ", "EMDR"],
            professions: [Profession.Nurse, Profession.Nurse]));
        Assert.Equal("佐藤", profile.DisplayName);
        Assert.Null(profile.NameKana);
        Assert.Null(profile.Bio);
        Assert.Equal(["CBT", "EMDR"], profile.Interests);
        Assert.Equal([Profession.Nurse], profile.Professions);
    }

    [Theory]
    [InlineData("", null, null, "displayName")]
    [InlineData("あ", "Sato", null, "nameKana")]
    [InlineData("あ", null, 2001, "bio")]
    public void Update_WhenALimitIsBroken_ReturnsTheFieldAndChangesNothing(string name, string? kana, int? bioLength, string field)
    {
        var profile = Profile();
        var result = profile.Update(Details(displayName: name, kana: kana, bio: bioLength is { } n ? new string('b', n) : null), Now.AddHours(1));
        Assert.False(result.IsSuccess);
        Assert.Equal("profile.invalid", result.Error!.Code);
        Assert.Equal(ErrorKind.Validation, result.Error.Kind);
        Assert.True(result.Error.Fields.ContainsKey(field));
        Assert.Equal("佐藤 真理", profile.DisplayName);
        Assert.Equal(Now, profile.UpdatedAt);
    }

    [Fact]
    public void Update_WithTooManyInterests_ReturnsInterests()
    {
        var result = Profile().Update(Details(interests: Enumerable.Range(0, 11).Select(i => $"興味{i}").ToList()), Now);
        Assert.True(result.Error!.Fields.ContainsKey("interests"));
    }

    [Fact]
    public void Create_WithoutAMember_Throws()
        => Assert.Throws<ArgumentException>(() => MemberProfile.Create(Guid.Empty, Details(), Now));

    [Theory]
    [InlineData("さとう まり")]
    [InlineData("サトウ・マリー")]
    [InlineData("サトウ　マリ")]
    public void Validate_AcceptsHiraganaKatakanaAndSpaces(string kana)
        => Assert.True(MemberProfile.Validate(Details(kana: kana)).IsSuccess);
}
