using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Assemble.Api.Common;
using Assemble.Api.Features.Admin;
using Assemble.Api.Features.Credentials;
using Assemble.Api.Features.Members;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Credentials;
using Assemble.Domain.Members;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class CredentialTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static object Licence(string kind = "certifiedPublicPsychologist", string number = "第12345号", string? expiresOn = null)
        => new { kind, registrationNumber = number, issuer = "厚生労働省", expiresOn };

    private static async Task<Guid> SubmitAsync(TestMember member, object? body = null)
    {
        var created = await member.Client.PostAsync<CredentialView>("/api/me/credentials", body ?? Licence(), 201);
        Assert.Equal(CredentialStatus.Pending, created.Status);
        return created.Id;
    }

    [Fact]
    public async Task An_admin_verifies_a_credential_and_the_profile_shows_the_verified_profession()
    {
        var member = await api.SignUpAsync();
        await member.Client.PutAsJsonAsync("/api/me/profile", new { displayName = "林 美咲", visibility = new { professions = "public" } });
        var id = await SubmitAsync(member);
        var admin = await api.AdminAsync();

        var queue = await admin.Client.GetAsync<Page<ListCredentials.MemberCredential>>("/api/admin/credentials?status=pending&limit=100");
        var item = queue.Items.Single(i => i.Credential.Id == id);
        Assert.Equal("第12345号", item.Credential.RegistrationNumber);
        Assert.Equal("林 美咲", item.MemberDisplayName);

        var verified = await admin.Client.PostAsync<CredentialView>($"/api/admin/credentials/{id}/verify", null);
        Assert.Equal(CredentialStatus.Verified, verified.Status);

        var me = await member.Client.GetAsync<GetMyProfile.Response>("/api/me/profile");
        Assert.Equal([Profession.CertifiedPublicPsychologist], me.VerifiedProfessions);
        // Read raw as well: the registration number must be absent from the public answer, whatever its shape.
        var seenByOthers = await Expect.JsonAsync(await api.CreateClient().GetAsync($"/api/members/{member.Id}"));
        Assert.Equal("certifiedPublicPsychologist", seenByOthers.GetProperty("verifiedProfessions")[0].GetString());
        Assert.DoesNotContain("12345", seenByOthers.ToString());

        var mail = await api.MailAsync(member.Email, m => m.Subject.Contains("資格"));
        Assert.Contains("資格が確認されました", mail.Subject); // in the member's language (Japanese by default)

        // Read raw first: the wire form of the instant is part of the contract (UTC, written with its offset).
        var raw = await Expect.JsonAsync(await admin.Client.GetAsync($"/api/admin/audit-log?targetId={id}"));
        var audit = raw.Deserialize<Page<ListAuditLog.Item>>(ApiJson.Options)!;
        var actions = audit.Items.Select(e => e.Action).ToList();
        Assert.Contains("credential.submitted", actions);
        Assert.Contains("credential.verified", actions);
        var decision = audit.Items.First(e => e.Action == "credential.verified");
        Assert.Equal(admin.Id, decision.ActorId);
        Assert.Equal(TimeSpan.Zero, decision.OccurredAt.Offset);
        var rawDecision = raw.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("id").GetGuid() == decision.Id);
        Assert.EndsWith("+00:00", rawDecision.GetProperty("occurredAt").GetString());
    }

    [Fact]
    public async Task A_rejection_needs_a_reason_and_the_member_sees_it()
    {
        var member = await api.SignUpAsync();
        var id = await SubmitAsync(member);
        var admin = await api.AdminAsync();

        await Expect.FieldErrorAsync(await admin.Client.PostAsJsonAsync($"/api/admin/credentials/{id}/reject", new { reason = " " }), "reason", "credential.invalid");
        await Expect.FieldErrorAsync(await admin.Client.PostAsJsonAsync($"/api/admin/credentials/{id}/reject", new { }), "reason");
        var rejected = await admin.Client.PostAsync<CredentialView>($"/api/admin/credentials/{id}/reject", new { reason = "登録番号が公開名簿と一致しません" });
        Assert.Equal(CredentialStatus.Rejected, rejected.Status);

        var mine = await member.Client.GetAsync<CredentialView>($"/api/me/credentials/{id}");
        Assert.Equal("登録番号が公開名簿と一致しません", mine.RejectionReason);
        await Expect.ProblemAsync(await admin.Client.PostAsync($"/api/admin/credentials/{id}/verify", null), 409, "credential.already_decided");

        // A rejected credential can be submitted again, corrected.
        await SubmitAsync(member, Licence(number: "第12346号"));
    }

    [Fact]
    public async Task A_second_open_credential_of_the_same_kind_is_a_conflict_even_when_sent_at_once()
    {
        var member = await api.SignUpAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => member.Client.PostAsJsonAsync("/api/me/credentials", Licence(kind: "psychiatricSocialWorker"))));
        Assert.Equal(1, responses.Count(r => (int)r.StatusCode == 201));
        foreach (var r in responses.Where(r => (int)r.StatusCode != 201)) await Expect.ProblemAsync(r, 409, "credential.already_submitted");
        Assert.Equal(1, await api.DbAsync(db => db.Credentials.CountAsync(c => c.MemberId == member.Id)));
    }

    [Fact]
    public async Task Verifying_an_already_expired_credential_is_refused_and_expired_ones_do_not_count()
    {
        var member = await api.SignUpAsync();
        await Expect.ProblemAsync(await member.Client.PostAsJsonAsync("/api/me/credentials", Licence(expiresOn: "2020-03-31")), 422, "credential.expired");

        var id = await SubmitAsync(member, Licence(kind: "nurse", expiresOn: DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd")));
        var admin = await api.AdminAsync();
        await Expect.StatusAsync(await admin.Client.PostAsync($"/api/admin/credentials/{id}/verify", null), 200);
        // Time passes: the expiry date moves into the past.
        await api.ScalarAsync("UPDATE credentials SET expires_on = CURRENT_DATE - 1 WHERE id = @id", ("id", id));
        var me = await member.Client.GetAsync<GetMyProfile.Response>("/api/me/profile");
        Assert.Empty(me.VerifiedProfessions);
        var mine = await member.Client.GetAsync<CredentialView>($"/api/me/credentials/{id}");
        Assert.Equal(CredentialStatus.Expired, mine.Status);
        // The renewed licence can be submitted.
        await SubmitAsync(member, Licence(kind: "nurse", number: "更新後"));
    }

    [Fact]
    public async Task Credentials_are_visible_to_their_owner_only_and_admin_routes_to_admins_only()
    {
        var owner = await api.SignUpAsync();
        var id = await SubmitAsync(owner);
        var stranger = await api.SignUpAsync();
        var anonymous = api.CreateClient();

        await Expect.StatusAsync(await owner.Client.GetAsync($"/api/me/credentials/{id}"), 200);
        await Expect.ProblemAsync(await stranger.Client.GetAsync($"/api/me/credentials/{id}"), 404, "credential.not_found");
        await Expect.ProblemAsync(await anonymous.GetAsync($"/api/me/credentials/{id}"), 401, "auth.unauthenticated");
        var strangersList = await stranger.Client.GetAsync<Page<CredentialView>>("/api/me/credentials");
        Assert.Empty(strangersList.Items);
        var ownersList = await owner.Client.GetAsync<Page<CredentialView>>("/api/me/credentials");
        Assert.Equal(id, Assert.Single(ownersList.Items).Id);

        foreach (var (method, url) in new[]
                 {
                     (HttpMethod.Get, "/api/admin/credentials?status=pending"),
                     (HttpMethod.Post, $"/api/admin/credentials/{id}/verify"),
                     (HttpMethod.Get, "/api/admin/audit-log"),
                 })
        {
            await Expect.ProblemAsync(await anonymous.SendAsync(new HttpRequestMessage(method, url)), 401, "auth.unauthenticated");
            await Expect.ProblemAsync(await stranger.Client.SendAsync(new HttpRequestMessage(method, url)), 403, "auth.forbidden");
            await Expect.ProblemAsync(await owner.Client.SendAsync(new HttpRequestMessage(method, url)), 403, "auth.forbidden");
        }
        await Expect.ProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/admin/credentials/{id}/reject", new { reason = "x" }), 403, "auth.forbidden");
        var unchanged = await owner.Client.GetAsync<CredentialView>($"/api/me/credentials/{id}");
        Assert.Equal(CredentialStatus.Pending, unchanged.Status);

        var admin = await api.AdminAsync();
        await Expect.ProblemAsync(await admin.Client.PostAsync($"/api/admin/credentials/{Guid.NewGuid()}/verify", null), 404, "credential.not_found");
    }

    [Fact]
    public async Task Reading_the_queue_is_written_to_the_audit_log()
    {
        var admin = await api.AdminAsync();
        await Expect.StatusAsync(await admin.Client.GetAsync("/api/admin/credentials?status=pending"), 200);
        Assert.True(await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "credentials.listed" && a.ActorId == admin.Id)) >= 1);
    }

    [Fact]
    public async Task Two_admins_deciding_the_same_credential_at_once_do_not_both_win()
    {
        var member = await api.SignUpAsync();
        var id = await SubmitAsync(member);
        var admins = await Task.WhenAll(api.AdminAsync(), api.AdminAsync());
        var results = await Task.WhenAll(
            admins[0].Client.PostAsync($"/api/admin/credentials/{id}/verify", null),
            admins[1].Client.PostAsJsonAsync($"/api/admin/credentials/{id}/reject", new { reason = "番号不一致" }));
        Assert.Equal(1, results.Count(r => (int)r.StatusCode == 200));
        foreach (var r in results.Where(r => (int)r.StatusCode != 200)) await Expect.ProblemAsync(r, 409, "credential.already_decided");
        Assert.Equal(1, await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.TargetId == id && (a.Action == "credential.verified" || a.Action == "credential.rejected"))));
    }

    public static TheoryData<string, string> BadCredentials => new()
    {
        { "{}", "kind" },
        { "{\"kind\": \"clinicalPsychologist\", \"issuer\": \"x\"}", "registrationNumber" },
        { "{\"kind\": \"clinicalPsychologist\", \"registrationNumber\": \"1\"}", "issuer" },
        { "{\"kind\": \"wizard\", \"registrationNumber\": \"1\", \"issuer\": \"x\"}", "kind" },
        { "{\"kind\": \"clinicalPsychologist\", \"registrationNumber\": 12345, \"issuer\": \"x\"}", "registrationNumber" },
        { "{\"kind\": \"clinicalPsychologist\", \"registrationNumber\": \"1\", \"issuer\": \"x\", \"expiresOn\": \"next year\"}", "expiresOn" },
        { "{\"kind\": \"clinicalPsychologist\", \"registrationNumber\": \"1\", \"issuer\": \"x\", \"status\": \"verified\"}", "status" },
        { "{\"kind\": \"clinicalPsychologist\", \"registrationNumber\": \"" + new string('9', 51) + "\", \"issuer\": \"x\"}", "registrationNumber" },
        { "{\"kind\": \"clinicalPsychologist\", \"registrationNumber\": \"1\", \"issuer\": \"" + new string('x', 201) + "\"}", "issuer" },
        { "{\"kind\": \"clinicalPsychologist\", \"registrationNumber\": \"  \", \"issuer\": \"x\"}", "registrationNumber" },
        { "not json", "$" },
    };

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task A_bad_credential_is_400_with_the_field_named_and_stores_nothing(string json, string field)
    {
        var member = await api.SignUpAsync();
        var response = await member.Client.PostAsync("/api/me/credentials", new StringContent(json, Encoding.UTF8, "application/json"));
        await Expect.FieldErrorAsync(response, field);
        Assert.Equal(0, await api.DbAsync(db => db.Credentials.CountAsync(c => c.MemberId == member.Id)));
        Assert.Equal(0, await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.ActorId == member.Id)));
    }
}
