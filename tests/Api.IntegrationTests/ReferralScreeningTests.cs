using System.Net.Http.Json;
using System.Text.Json;
using Assemble.Api.Features.Referrals;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>The referral board stores no patient data, by construction: every free text screened, every contact structured.</summary>
public sealed class ReferralScreeningTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    private static object Need(string? note) => new
    {
        wantedProfessions = new[] { "clinicalPsychologist" },
        specialties = new[] { "trauma-ptsd" },
        ageGroup = "adolescent",
        area = new[] { "osaka" },
        urgency = "routine",
        note,
    };

    private async Task<(TestMember Requester, Guid RequestId, TestMember Invitee)> DraftAsync()
    {
        var requester = await api.VerifiedAsync("psychiatrist");
        var created = await requester.Client.PostAsync<ReferralRequests.ReferralRequestView>("/api/referral-requests", Need("思春期のトラウマに対するTF-CBTを希望します。"), 201);
        var invitee = await api.VerifiedAsync("clinicalPsychologist");
        await Expect.StatusAsync(await invitee.Client.PutAsJsonAsync("/api/me/practice-profile", PracticeProfileTests.Practice()), 200);
        return (requester, created.Id, invitee);
    }

    private static async Task<Guid> OnlyIntroductionAsync(TestMember invitee)
        => Assert.Single(await invitee.Client.GetAsync<List<Introductions.ReceivedIntroductionView>>("/api/me/introductions")).Id;

    private Task<int> IntroductionsOfAsync(Guid requestId) => api.DbAsync(db => db.Introductions.CountAsync(i => i.RequestId == requestId));

    public static TheoryData<string, string> BadContacts => new()
    {
        { "email", "office.example.jp" },
        { "email", "office@example.jp, home@example.jp" },
        { "email", "office@example.jp home@example.jp" },
        { "phone", "090-1234-567x" },
        { "phone", "06-6123-4567 (山田)" },
        { "website", "http://counselling.example.jp/" },
        { "website", "https://counselling.example.jp/contact?patient=yamada" },
        { "website", "https://counselling.example.jp/contact#yamada" },
        { "website", "https://taro:secret@counselling.example.jp/" },
    };

    [Theory]
    [MemberData(nameof(BadContacts))]
    public async Task A_contact_that_does_not_fit_its_kind_is_refused_naming_the_field_and_nothing_is_stored(string kind, string value)
    {
        var (requester, requestId, invitee) = await DraftAsync();
        var send = await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions",
            new { profileIds = new[] { invitee.Id }, contact = new { kind, value } });
        var body = await Expect.FieldErrorAsync(send, "contact.value", "contact.invalid");
        Assert.DoesNotContain(value, body.GetRawText());
        Assert.Equal(0, await IntroductionsOfAsync(requestId));
        Assert.Equal(1, await api.DbAsync(db => db.ReferralRequests.CountAsync(r => r.Id == requestId && r.RequesterContact == null && r.Status == ReferralStatus.Draft)));

        // The same check when the invited professional accepts with a contact of their own.
        await Expect.StatusAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions",
            new { profileIds = new[] { invitee.Id }, contact = new { kind = "phone", value = "06-6123-4567" } }), 201);
        var introductionId = await OnlyIntroductionAsync(invitee);
        await Expect.FieldErrorAsync(await invitee.Client.PostAsJsonAsync($"/api/me/introductions/{introductionId}/accept", new { contact = new { kind, value } }),
            "contact.value", "contact.invalid");
        Assert.Equal(1, await api.DbAsync(db => db.Introductions.CountAsync(i => i.Id == introductionId && i.Status == IntroductionStatus.Sent && i.InviteeContact == null)));
    }

    [Fact]
    public async Task A_free_text_contact_kind_no_longer_exists()
    {
        var (requester, requestId, invitee) = await DraftAsync();
        await Expect.FieldErrorAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions",
            new { profileIds = new[] { invitee.Id }, contact = new { kind = "other", value = "LINE: yamada_taro" } }), "contact.kind", "request.malformed");
        Assert.Equal(0, await IntroductionsOfAsync(requestId));
    }

    [Fact]
    public async Task A_valid_contact_of_each_kind_is_stored_folded()
    {
        var (requester, requestId, invitee) = await DraftAsync();
        await Expect.StatusAsync(await requester.Client.PostAsJsonAsync($"/api/referral-requests/{requestId}/introductions",
            new { profileIds = new[] { invitee.Id }, contact = new { kind = "phone", value = "０６－６１２３－４５６７" } }), 201);
        Assert.Equal("06-6123-4567", (await api.DbAsync(db => db.ReferralRequests.SingleAsync(r => r.Id == requestId))).RequesterContact?.Value);
        var introductionId = await OnlyIntroductionAsync(invitee);
        await Expect.StatusAsync(await invitee.Client.PostAsJsonAsync($"/api/me/introductions/{introductionId}/accept",
            new { contact = new { kind = "website", value = "https://counselling.example.jp/contact" } }), 200);
        Assert.Equal(ContactKind.Website, (await api.DbAsync(db => db.Introductions.SingleAsync(i => i.Id == introductionId))).InviteeContact?.Kind);
    }

    [Theory]
    [InlineData("ご連絡は〇九〇ー一二三四ー五六七八まで", "phone", "一二三四")]
    [InlineData("ご連絡は０９０\u200B１２３４\u200B５６７８まで", "phone", "１２３４")]
    [InlineData("ご連絡は 0 9 0 - 1 2 3 4 - 5 6 7 8 まで", "phone", "1 2 3 4")]
    [InlineData("母親の連絡先 yamada [at] example [dot] jp", "email", "yamada")]
    [InlineData("山田太郎さん、昭和五十五年三月二日生", "name", "山田")]
    [InlineData("マイナンバー 1234 5678 9012 は控えています", "my_number", "5678")]
    [InlineData("渋谷区神南1-2-3にお住まい", "address", "神南")]
    public async Task A_note_with_disguised_personal_data_is_refused_naming_the_category_without_echoing_it_and_nothing_is_stored(
        string note, string category, string fragment)
    {
        var psychiatrist = await api.VerifiedAsync("psychiatrist");
        var before = await api.DbAsync(db => db.ReferralRequests.CountAsync());
        var response = await psychiatrist.Client.PostAsJsonAsync("/api/referral-requests", Need(note));
        var body = await Expect.ProblemAsync(response, 422, "referral.personal_data_suspected");
        Assert.Contains(category, body.GetProperty("errors").GetProperty("note").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(fragment, body.GetRawText());
        Assert.DoesNotContain(JsonSerializer.Serialize(fragment)[1..^1], body.GetRawText());
        Assert.Equal(before, await api.DbAsync(db => db.ReferralRequests.CountAsync()));
        Assert.Equal(0, await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "referral.created" && a.ActorId == psychiatrist.Id)));
    }

    [Fact]
    public async Task Ordinary_clinical_wording_passes_the_screen()
    {
        var psychiatrist = await api.VerifiedAsync("psychiatrist");
        await Expect.StatusAsync(await psychiatrist.Client.PostAsJsonAsync("/api/referral-requests",
            Need("成人 30代、PHQ-9 15点。CBT 12回・週1回 50分を想定。ICD-10 F32.1。患者さんの同意取得済み。大阪市内で対面可、オンライン可（Zoom）。")), 201);
    }

    [Fact]
    public async Task A_practice_city_is_screened_like_the_note_and_the_profile_is_not_stored()
    {
        var psychologist = await api.VerifiedAsync("clinicalPsychologist");
        var practice = JsonSerializer.SerializeToNode(PracticeProfileTests.Practice())!;
        practice["locations"]![0]!["city"] = "渋谷区神南1-2-3 山田様方";
        var body = await Expect.ProblemAsync(await psychologist.Client.PutAsJsonAsync("/api/me/practice-profile", practice), 422, "referral.personal_data_suspected");
        Assert.Equal(["name", "address"], body.GetProperty("errors").GetProperty("locations[0].city").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("神南", body.GetRawText());
        Assert.Equal(0, await api.DbAsync(db => db.PracticeProfiles.CountAsync(p => p.MemberId == psychologist.Id)));
    }

    [Fact]
    public async Task Contacts_of_the_free_text_kind_are_dropped_by_the_migration_and_each_drop_is_logged()
    {
        var database = await TestDatabases.CreateEmptyAsync("contacts");
        try
        {
            await using (var dataSource = NpgsqlDataSource.Create(database))
            await using (var db = TestDatabases.NewContext(dataSource))
                await db.GetService<IMigrator>().MigrateAsync("20261203120921_SettleMoney");
            var (user, request, kept, introduction) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
            await ExecuteAsync(database, $$"""
                INSERT INTO users (id, created_at, email_confirmed, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
                VALUES ('{{user}}', now(), true, false, false, false, 0);
                INSERT INTO referral_requests (id, requester_id, wanted_professions, specialties, modalities, languages, delivery, area, insurance_needed, urgency, status, created_at, requester_contact)
                VALUES ('{{request}}', '{{user}}', '{}', '{}', '{}', '{}', '{}', '{}', false, 'Routine', 'Sent', now(), '{"kind":"other","value":"LINE yamada"}'),
                       ('{{kept}}', '{{user}}', '{}', '{}', '{}', '{}', '{}', '{}', false, 'Routine', 'Sent', now(), '{"kind":"phone","value":"06-6123-4567"}');
                INSERT INTO introductions (id, request_id, invitee_id, status, sent_at, respond_by, answered_at, updated_at, invitee_contact)
                VALUES ('{{introduction}}', '{{kept}}', '{{user}}', 'Accepted', now(), now(), now(), now(), '{"kind":"other","value":"山田さん経由で"}');
                """);

            await TestDatabases.MigrateAsync(database);

            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM referral_requests WHERE requester_contact::text LIKE '%other%' OR requester_contact::text LIKE '%yamada%'"));
            Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM introductions WHERE invitee_contact IS NOT NULL"));
            Assert.Equal(1L, await ScalarAsync(connection, $"SELECT count(*) FROM referral_requests WHERE id = '{kept}' AND requester_contact ->> 'kind' = 'phone'"));
            Assert.Equal(2L, await ScalarAsync(connection,
                $"SELECT count(*) FROM audit_log WHERE action = 'referral.contact_dropped' AND target_id IN ('{request}', '{introduction}') AND detail NOT LIKE '%yamada%'"));
        }
        finally
        {
            await TestDatabases.DropAsync(database);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
