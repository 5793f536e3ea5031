using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Assemble.Api.Common;
using Assemble.Api.Features.Credentials;
using Assemble.Api.Features.Members;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Members;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class ProfileTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static object FullProfile(string name = "佐藤 真理", string? visibilityOfBio = null, bool hidden = false) => new
    {
        displayName = name,
        nameKana = "サトウ マリ",
        professions = new[] { "certifiedPublicPsychologist" },
        organisation = "梅田こころのクリニック",
        prefecture = "osaka",
        bio = "思春期のトラウマに焦点化した認知行動療法。",
        interests = new[] { "トラウマ", "CBT" },
        preferredLanguage = "ja",
        visibility = new { prefecture = "public", professions = "public", organisation = "verifiedProfessionals", bio = visibilityOfBio ?? "members", nameKana = "onlyMe" },
        hidden,
    };

    [Theory]
    [InlineData("佐藤\n真理")]
    [InlineData("佐藤\r真理")]
    [InlineData("佐藤\u0007真理")]
    [InlineData("佐藤\u2028真理")]
    public async Task A_display_name_is_one_line_because_it_goes_into_mail_headers(string name)
    {
        var member = await api.SignUpAsync();
        await Expect.FieldErrorAsync(await member.Client.PutAsJsonAsync("/api/me/profile", FullProfile(name)), "displayName");
        Assert.Equal(0, await api.DbAsync(db => db.MemberProfiles.CountAsync(p => p.Id == member.Id)));
    }

    private static async Task<List<string>> NamesAsync(TestMember viewer, string query)
        => (await viewer.Client.GetAsync<Page<MemberProfileView>>("/api/members?" + query)).Items.Select(i => i.DisplayName).ToList();

    [Fact]
    public async Task A_member_writes_her_profile_and_reads_it_back_with_every_setting()
    {
        var member = await api.SignUpAsync();
        var saved = await member.Client.PutAsync<GetMyProfile.Response>("/api/me/profile", FullProfile());
        Assert.True(saved.ProfileComplete);
        var me = await member.Client.GetAsync<GetMyProfile.Response>("/api/me/profile");
        Assert.Equal("佐藤 真理", me.DisplayName);
        Assert.Equal("サトウ マリ", me.NameKana);
        Assert.Equal(Prefecture.Osaka, me.Prefecture);
        Assert.Equal(Visibility.OnlyMe, me.Visibility.NameKana);
        Assert.Equal(Visibility.Members, me.Visibility.Interests);
    }

    [Fact]
    public async Task Each_viewer_sees_only_the_fields_shown_to_their_level()
    {
        var owner = await api.SignUpAsync();
        await Expect.StatusAsync(await owner.Client.PutAsJsonAsync("/api/me/profile", FullProfile()), 200);
        var stranger = await api.SignUpAsync();
        var verified = await VerifiedProfessionalAsync();
        var admin = await api.AdminAsync();
        var url = $"/api/members/{owner.Id}";

        // Hidden fields are absent from the answer, not null: checked on the raw JSON.
        var anonymous = await Expect.JsonAsync(await api.CreateClient().GetAsync(url));
        Assert.True(anonymous.TryGetProperty("prefecture", out _));
        Assert.True(anonymous.TryGetProperty("professions", out _));
        Assert.False(anonymous.TryGetProperty("bio", out _));
        Assert.False(anonymous.TryGetProperty("organisation", out _));
        Assert.False(anonymous.TryGetProperty("nameKana", out _));

        var asMember = await Expect.JsonAsync(await stranger.Client.GetAsync(url));
        Assert.True(asMember.TryGetProperty("bio", out _));
        Assert.False(asMember.TryGetProperty("organisation", out _));
        Assert.False(asMember.TryGetProperty("nameKana", out _));

        var asVerified = await Expect.JsonAsync(await verified.Client.GetAsync(url));
        Assert.Equal("梅田こころのクリニック", asVerified.GetProperty("organisation").GetString());
        Assert.False(asVerified.TryGetProperty("nameKana", out _));

        var asOwner = await Expect.JsonAsync(await owner.Client.GetAsync(url));
        Assert.Equal("サトウ マリ", asOwner.GetProperty("nameKana").GetString());
        var asAdmin = await Expect.JsonAsync(await admin.Client.GetAsync(url));
        Assert.Equal("サトウ マリ", asAdmin.GetProperty("nameKana").GetString());
    }

    [Fact]
    public async Task A_hidden_profile_is_not_found_for_everyone_but_its_owner_and_admins()
    {
        var owner = await api.SignUpAsync();
        await Expect.StatusAsync(await owner.Client.PutAsJsonAsync("/api/me/profile", FullProfile("隠れた人", hidden: true)), 200);
        var stranger = await api.SignUpAsync();
        var admin = await api.AdminAsync();
        var url = $"/api/members/{owner.Id}";

        await Expect.ProblemAsync(await api.CreateClient().GetAsync(url), 404, "profile.not_found");
        await Expect.ProblemAsync(await stranger.Client.GetAsync(url), 404, "profile.not_found");
        await Expect.StatusAsync(await owner.Client.GetAsync(url), 200);
        await Expect.StatusAsync(await admin.Client.GetAsync(url), 200);

        Assert.Empty(await NamesAsync(stranger, "q=隠れた人"));
    }

    [Fact]
    public async Task A_member_without_a_profile_is_not_found_and_an_unknown_id_too()
    {
        var quiet = await api.SignUpAsync();
        var other = await api.SignUpAsync();
        await Expect.ProblemAsync(await other.Client.GetAsync($"/api/members/{quiet.Id}"), 404, "profile.not_found");
        await Expect.ProblemAsync(await other.Client.GetAsync($"/api/members/{Guid.NewGuid()}"), 404, "profile.not_found");
        await Expect.ProblemAsync(await other.Client.GetAsync("/api/members/not-a-guid"), 404, "not_found");
    }

    [Fact]
    public async Task The_directory_filters_only_on_fields_the_viewer_may_see()
    {
        var open = await api.SignUpAsync();
        await open.Client.PutAsJsonAsync("/api/me/profile", new { displayName = "公開 太郎", prefecture = "hokkaido", professions = new[] { "coach" }, visibility = new { prefecture = "public", professions = "public" } });
        var secret = await api.SignUpAsync();
        await secret.Client.PutAsJsonAsync("/api/me/profile", new { displayName = "秘密 花子", prefecture = "hokkaido", professions = new[] { "coach" }, visibility = new { prefecture = "onlyMe", professions = "verifiedProfessionals" } });
        var viewer = await api.SignUpAsync();

        var names = await NamesAsync(viewer, "prefecture=hokkaido");
        Assert.Contains("公開 太郎", names);
        Assert.DoesNotContain("秘密 花子", names);

        names = await NamesAsync(viewer, "profession=coach");
        Assert.Contains("公開 太郎", names);
        Assert.DoesNotContain("秘密 花子", names);

        var admin = await api.AdminAsync();
        Assert.Contains("秘密 花子", await NamesAsync(admin, "prefecture=hokkaido"));
    }

    [Fact]
    public async Task The_directory_pages_with_a_cursor_without_repeats_or_gaps()
    {
        var viewer = await api.SignUpAsync();
        for (var i = 0; i < 5; i++)
        {
            var m = await api.SignUpAsync();
            await m.Client.PutAsJsonAsync("/api/me/profile", new { displayName = $"ページ送り {i}" });
        }
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await viewer.Client.GetAsync<Page<MemberProfileView>>($"/api/members?q=ページ送り&limit=2{(cursor is null ? "" : "&cursor=" + cursor)}");
            seen.AddRange(page.Items.Select(i => i.DisplayName));
            cursor = page.NextCursor;
        } while (cursor is not null);
        Assert.Equal(5, seen.Count);
        Assert.Equal(5, seen.Distinct().Count());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("cursor=%%%", "cursor")]
    [InlineData("profession=wizard", "profession")]
    [InlineData("profession=3", "profession")]
    [InlineData("prefecture=atlantis", "prefecture")]
    public async Task The_directory_refuses_bad_query_values_with_the_field_named(string query, string field)
    {
        var viewer = await api.SignUpAsync();
        var response = await viewer.Client.GetAsync($"/api/members?{query}");
        await Expect.StatusAsync(response, 400);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    [Fact]
    public async Task The_directory_is_for_signed_in_members()
        => await Expect.ProblemAsync(await api.CreateClient().GetAsync("/api/members"), 401, "auth.unauthenticated");

    public static TheoryData<string, string> BadProfiles => new()
    {
        { "{\"displayName\": ", "displayName" },
        { "{\"displayName\": 5}", "displayName" },
        { "{\"bio\": \"no name\"}", "displayName" },
        { "{\"displayName\": \"   \"}", "displayName" },
        { "{\"displayName\": \"x\", \"role\": \"admin\"}", "role" },
        { "{\"displayName\": \"x\", \"professions\": [\"wizard\"]}", "professions[0]" },
        { "{\"displayName\": \"x\", \"professions\": [0]}", "professions[0]" },
        { "{\"displayName\": \"x\", \"prefecture\": \"atlantis\"}", "prefecture" },
        { "{\"displayName\": \"x\", \"visibility\": {\"bio\": \"everyone\"}}", "visibility.bio" },
        { "{\"displayName\": \"x\", \"hidden\": \"yes\"}", "hidden" },
        { "{\"displayName\": \"" + new string('長', 51) + "\"}", "displayName" },
        { "{\"displayName\": \"x\", \"bio\": \"" + new string('b', 2001) + "\"}", "bio" },
        { "{\"displayName\": \"x\", \"nameKana\": \"Sato\"}", "nameKana" },
        { "{\"displayName\": \"x\", \"interests\": [\"" + new string('i', 41) + "\"]}", "interests" },
        { "{\"displayName\": \"x\", \"organisation\": \"" + new string('o', 101) + "\"}", "organisation" },
        { "[]", "$" },
    };

    [Theory]
    [MemberData(nameof(BadProfiles))]
    public async Task A_bad_profile_is_400_with_the_field_named_and_changes_nothing(string json, string field)
    {
        var member = await api.SignUpAsync();
        await Expect.StatusAsync(await member.Client.PutAsJsonAsync("/api/me/profile", FullProfile("元の名前")), 200);
        var before = await api.ScalarAsync("SELECT row_to_json(p)::text FROM member_profiles p WHERE id = @id", ("id", member.Id));

        var response = await member.Client.PutAsync("/api/me/profile", new StringContent(json, Encoding.UTF8, "application/json"));
        await Expect.FieldErrorAsync(response, field);

        var after = await api.ScalarAsync("SELECT row_to_json(p)::text FROM member_profiles p WHERE id = @id", ("id", member.Id));
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        var member = await api.SignUpAsync();
        var response = await member.Client.PutAsync("/api/me/profile", new StringContent("displayName=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await Expect.ProblemAsync(response, 415, "request.unsupported_media_type");
    }

    private async Task<TestMember> VerifiedProfessionalAsync()
    {
        var member = await api.SignUpAsync();
        var admin = await api.AdminAsync();
        var credential = await member.Client.PostAsync<CredentialView>("/api/me/credentials",
            new { kind = "clinicalPsychologist", registrationNumber = "12345", issuer = "日本臨床心理士資格認定協会" }, 201);
        await Expect.StatusAsync(await admin.Client.PostAsync($"/api/admin/credentials/{credential.Id}/verify", null), 200);
        return member;
    }
}
