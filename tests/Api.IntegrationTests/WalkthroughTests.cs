using System.Net.Http.Json;
using Assemble.Api.Features.Credentials;
using Assemble.Api.Features.Members;
using Assemble.Domain.Members;
using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>The foundation's "done when", end to end over HTTP.</summary>
public sealed class WalkthroughTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Register_confirm_sign_in_edit_profile_submit_credential_admin_verifies_profile_shows_it()
    {
        var email = api.NewEmail("psychologist");
        var phone = api.CreateClient();
        await Expect.StatusAsync(await phone.PostAsJsonAsync("/api/auth/register", new { email, password = "yoru-no-shinsatsushitsu" }), 200);
        var link = Mailbox.Link(await api.MailAsync(email), "/api/auth/confirmEmail");
        await Expect.StatusAsync(await phone.GetAsync(new Uri(link).PathAndQuery), 200);

        var member = await api.SignInAsync(email, "yoru-no-shinsatsushitsu");
        await Expect.StatusAsync(await member.Client.PutAsJsonAsync("/api/me/profile", new
        {
            displayName = "岩倉 美香",
            nameKana = "いわくら みか",
            professions = new[] { "clinicalPsychologist" },
            prefecture = "osaka",
            bio = "トラウマ臨床、EMDR。",
            visibility = new { professions = "public", prefecture = "public", bio = "public" },
        }), 200);
        var credential = await member.Client.PostAsync<CredentialView>("/api/me/credentials",
            new { kind = "clinicalPsychologist", registrationNumber = "第31234号", issuer = "日本臨床心理士資格認定協会", expiresOn = "2031-03-31" }, 201);

        var admin = await api.AdminAsync();
        await Expect.StatusAsync(await admin.Client.PostAsync($"/api/admin/credentials/{credential.Id}/verify", null), 200);

        var profile = await api.CreateClient().GetAsync<MemberProfileView>($"/api/members/{member.Id}");
        Assert.Equal("岩倉 美香", profile.DisplayName);
        Assert.Equal(Profession.ClinicalPsychologist, profile.VerifiedProfessions?[0]);
    }
}
