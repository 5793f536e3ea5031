using System.Net.Http.Json;
using System.Text;
using Assemble.Api.Common;
using Assemble.Api.Features.Admin;
using Assemble.Api.Features.Credentials;
using Assemble.Api.Features.Referrals;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Credentials;
using Assemble.Domain.Members;
using Assemble.Domain.Referrals;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class PracticeProfileTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    internal static object Practice(params string[] specialties) => new
    {
        specialties = specialties.Length == 0 ? new[] { "trauma-ptsd", "child-adolescent" } : specialties,
        modalities = new[] { "tf-cbt", "emdr" },
        ageGroups = new[] { "adolescent" },
        languages = new[] { "ja", "en" },
        delivery = new[] { "inPerson", "online" },
        locations = new[] { new { prefecture = "osaka", city = "大阪市北区", latitude = 34.7025, longitude = 135.4959 } },
        onlinePrefectures = new[] { "osaka", "hyogo", "kyoto" },
        settings = new[] { "privatePractice" },
        feeMinYen = 8000,
        feeMaxYen = 12000,
        insuranceCovered = false,
        acceptance = "accepting",
        typicalWaitWeeks = 2,
    };

    [Fact]
    public async Task A_verified_psychologist_lists_her_practice_and_an_unverified_member_cannot()
    {
        var unverified = await api.MemberAsync();
        await Expect.ProblemAsync(await unverified.Client.PutAsJsonAsync("/api/me/practice-profile", Practice()), 422, "referral.not_verified");
        await Expect.ProblemAsync(await unverified.Client.GetAsync("/api/me/practice-profile"), 404, "practice.not_found");
        await Expect.ProblemAsync(await api.CreateClient().GetAsync("/api/me/practice-profile"), 401, "auth.unauthenticated");

        var psychologist = await api.VerifiedAsync("certifiedPublicPsychologist");
        var saved = await psychologist.Client.PutAsync<PracticeProfiles.PracticeProfileView>("/api/me/practice-profile", Practice());
        Assert.True(saved.Listed);
        Assert.Equal(Profession.CertifiedPublicPsychologist, saved.Professions[0]);
        Assert.Equal(Acceptance.Accepting, saved.AcceptanceAsShown);

        // An acceptance status older than 30 days reads as unknown; an expired credential unlists the profile.
        await api.ScalarAsync($"UPDATE practice_profiles SET acceptance_confirmed_at = now() - interval '31 days' WHERE member_id = '{psychologist.Id}'");
        // Absent, not null: checked on the raw answer.
        var stale = await Expect.JsonAsync(await psychologist.Client.GetAsync("/api/me/practice-profile"));
        Assert.False(stale.TryGetProperty("acceptanceAsShown", out _));
        await api.ScalarAsync($"UPDATE credentials SET expires_on = CURRENT_DATE - 1 WHERE member_id = '{psychologist.Id}'");
        var unlisted = await psychologist.Client.GetAsync<PracticeProfiles.PracticeProfileView>("/api/me/practice-profile");
        Assert.False(unlisted.Listed);
    }

    [Fact]
    public async Task Vocabulary_is_data_with_both_labels_and_unknown_terms_or_patient_fields_are_refused()
    {
        var terms = await api.CreateClient().GetAsync<List<VocabularyTermView>>("/api/vocabularies");
        var trauma = terms.Single(t => t.Code == "trauma-ptsd");
        Assert.Equal("トラウマ・PTSD", trauma.LabelJa);
        Assert.Equal("Trauma / PTSD", trauma.LabelEn);

        var psychologist = await api.VerifiedAsync("clinicalPsychologist");
        await Expect.FieldErrorAsync(await psychologist.Client.PutAsJsonAsync("/api/me/practice-profile", Practice("astrology")), "specialties", "practice.invalid");
        await Expect.FieldErrorAsync(await psychologist.Client.PutAsync("/api/me/practice-profile",
            new StringContent("{\"specialties\": [\"grief\"], \"patientName\": \"x\"}", Encoding.UTF8, "application/json")), "patientName", "request.malformed");
        await Expect.StatusAsync(await psychologist.Client.PutAsync("/api/me/practice-profile",
            new StringContent("{\"specialties\": [\"grief\"], \"languages\": [null], \"locations\": [null]}", Encoding.UTF8, "application/json")), 400);
        await Expect.FieldErrorAsync(await psychologist.Client.PutAsJsonAsync("/api/me/practice-profile",
            new { specialties = new[] { "grief" }, ageGroups = new[] { "adult" }, delivery = new[] { "inPerson" } }), "locations", "practice.invalid");
        Assert.Equal(0, await api.DbAsync(db => db.PracticeProfiles.CountAsync(p => p.MemberId == psychologist.Id)));
    }

    [Fact]
    public async Task Admins_add_relabel_and_retire_vocabulary_terms_and_members_see_only_active_ones()
    {
        var admin = await api.AdminAsync();
        var psychologist = await api.VerifiedAsync("clinicalPsychologist");
        var path = "/api/admin/vocabularies/specialty/gender-sexuality";
        await Expect.ProblemAsync(await psychologist.Client.PutAsJsonAsync(path, new { labelJa = "x", labelEn = "x" }), 403, "auth.forbidden");
        await Expect.FieldErrorAsync(await admin.Client.PutAsJsonAsync("/api/admin/vocabularies/specialty/Gender_Sexuality", new { labelJa = "x", labelEn = "x" }), "code");
        await Expect.FieldErrorAsync(await admin.Client.PutAsJsonAsync("/api/admin/vocabularies/colour/red", new { labelJa = "赤", labelEn = "red" }), "kind");
        await Expect.FieldErrorAsync(await admin.Client.PutAsJsonAsync(path, new { labelJa = "性の多様性" }), "labelEn");

        var added = await admin.Client.PutAsync<Vocabularies.VocabularyTermAdminView>(path, new { labelJa = "性の多様性", labelEn = "Gender and sexuality" }, 201);
        Assert.True(added.Active);
        var terms = await psychologist.Client.GetAsync<List<VocabularyTermView>>("/api/vocabularies");
        Assert.Contains(terms, t => t.Code == "gender-sexuality" && t.LabelEn == "Gender and sexuality");
        await Expect.StatusAsync(await psychologist.Client.PutAsJsonAsync("/api/me/practice-profile", Practice("gender-sexuality")), 200);

        // Retired: kept on the profile that has it, no longer offered or accepted anew.
        await Expect.StatusAsync(await admin.Client.PutAsJsonAsync(path, new { labelJa = "性の多様性", labelEn = "Gender and sexuality", active = false }), 200);
        terms = await psychologist.Client.GetAsync<List<VocabularyTermView>>("/api/vocabularies");
        Assert.DoesNotContain(terms, t => t.Code == "gender-sexuality");
        var other = await api.VerifiedAsync("certifiedPublicPsychologist");
        await Expect.FieldErrorAsync(await other.Client.PutAsJsonAsync("/api/me/practice-profile", Practice("gender-sexuality")), "specialties");
        // The profile that already has it can still be saved (say, to confirm it is accepting) without dropping it.
        await Expect.StatusAsync(await psychologist.Client.PutAsJsonAsync("/api/me/practice-profile", Practice("gender-sexuality")), 200);
        Assert.Equal(2, await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.TargetType == "vocabulary_term" && a.Detail!.StartsWith("Specialty:gender-sexuality:"))));
    }
}

public sealed class DirectoryTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    private static async Task<IReadOnlyList<SearchDirectory.Match>> SearchAsync(HttpClient client, string query)
        => (await client.GetAsync<Page<SearchDirectory.Match>>("/api/directory?" + query)).Items;

    private async Task<TestMember> ListAsync(string profession, string[] specialties, string[] modalities, string prefecture, double lat, double lon, string acceptance = "accepting")
    {
        var member = await api.VerifiedAsync(profession);
        await member.Client.PutAsJsonAsync("/api/me/profile", new { displayName = $"{profession}-{member.Id.ToString()[..4]}" });
        await Expect.StatusAsync(await member.Client.PutAsJsonAsync("/api/me/practice-profile", new
        {
            specialties, modalities, ageGroups = new[] { "adolescent", "adult" }, languages = new[] { "ja" }, delivery = new[] { "inPerson", "online" },
            locations = new[] { new { prefecture, city = "市内", latitude = lat, longitude = lon } }, onlinePrefectures = new[] { prefecture },
            feeMinYen = 6000, feeMaxYen = 10000, acceptance,
        }), 200);
        return member;
    }

    [Fact]
    public async Task A_psychiatrist_in_osaka_finds_trauma_therapists_ranked_with_reasons()
    {
        var umeda = await ListAsync("clinicalPsychologist", ["trauma-ptsd", "child-adolescent"], ["tf-cbt", "emdr"], "osaka", 34.7025, 135.4959);
        var kobe = await ListAsync("certifiedPublicPsychologist", ["trauma-ptsd"], ["cbt"], "hyogo", 34.6913, 135.1830);
        var tokyo = await ListAsync("clinicalPsychologist", ["depression"], ["cbt"], "tokyo", 35.6812, 139.7671);
        var psychiatrist = await api.VerifiedAsync("psychiatrist");

        var items = await SearchAsync(psychiatrist.Client, "specialty=trauma-ptsd,child-adolescent&modality=tf-cbt,emdr,cbt&ageGroup=adolescent&near=34.7025,135.4959&limit=10");
        var ids = items.Select(i => i.MemberId).ToList();
        Assert.Equal(umeda.Id, ids[0]);
        Assert.Contains(kobe.Id, ids);
        Assert.DoesNotContain(tokyo.Id, ids); // no wanted specialty: AND across facets
        var why = items[0].Why;
        Assert.Equal(2, why.MatchedSpecialties.Count);
        Assert.Equal(0.0, why.DistanceKm);
        Assert.Equal("accepting", why.Acceptance); // camelCase like every enum in the API
        var kobeWhy = items.Single(i => i.MemberId == kobe.Id).Why;
        Assert.InRange(kobeWhy.DistanceKm!.Value, 25, 32);

        // An area facet: Hyogo only.
        Assert.Equal(kobe.Id, Assert.Single(await SearchAsync(psychiatrist.Client, "specialty=trauma-ptsd&prefecture=hyogo")).MemberId);

        // Stale acceptance reads as unknown and drops out of "accepting".
        await api.ScalarAsync($"UPDATE practice_profiles SET acceptance_confirmed_at = now() - interval '40 days' WHERE member_id = '{kobe.Id}'");
        Assert.DoesNotContain(await SearchAsync(psychiatrist.Client, "specialty=trauma-ptsd&accepting=true"), i => i.MemberId == kobe.Id);
        var stale = Assert.Single(await SearchAsync(psychiatrist.Client, "specialty=trauma-ptsd&prefecture=hyogo")).Why;
        Assert.Equal("unknown", stale.Acceptance);
        Assert.InRange(stale.AcceptanceConfirmedDaysAgo, 39, 41);

        // Only verified professionals search; bad facet values are 400.
        var member = await api.MemberAsync();
        await Expect.ProblemAsync(await member.Client.GetAsync("/api/directory"), 403, "directory.verified_only");
        await Expect.ProblemAsync(await api.CreateClient().GetAsync("/api/directory"), 401, "auth.unauthenticated");
        await Expect.FieldErrorAsync(await psychiatrist.Client.GetAsync("/api/directory?near=north"), "near");
        await Expect.FieldErrorAsync(await psychiatrist.Client.GetAsync("/api/directory?near=NaN,NaN"), "near");
        await Expect.FieldErrorAsync(await psychiatrist.Client.GetAsync("/api/directory?near=34.7,135.5&withinKm=NaN"), "withinKm");
        await Expect.ProblemAsync(await psychiatrist.Client.GetAsync("/api/directory?cursor=%2F%2F%2F%2F"), 400, "request.invalid_cursor");
        await Expect.FieldErrorAsync(await psychiatrist.Client.GetAsync("/api/directory?ageGroup=toddler"), "ageGroup");
    }

    [Fact]
    public async Task Equal_fits_rotate_fairly_by_day_and_searcher_and_page_without_repeats()
    {
        var tied = new List<TestMember>();
        for (var i = 0; i < 6; i++) tied.Add(await ListAsync("clinicalPsychologist", ["grief"], ["act"], "nagano", 36.6513, 138.1810));
        var psychiatrist = await api.VerifiedAsync("psychiatrist");

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await psychiatrist.Client.GetAsync<Page<SearchDirectory.Match>>($"/api/directory?specialty=grief&prefecture=nagano&limit=4{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}");
            seen.AddRange(page.Items.Select(i => i.MemberId));
            cursor = page.NextCursor;
        } while (cursor is not null);
        Assert.Equal(6, seen.Count);
        Assert.Equal(6, seen.Distinct().Count());

        // Today's order is md5(day ‖ member) mixed with the searcher: the same rule, over a year of days, puts each of
        // the six first about equally often; another searcher sees another order.
        static ulong Key(DateOnly day, Guid id, Guid searcher) => DirectoryIndex.RotationKey(DirectoryIndex.RotationKey(day, id), searcher);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Equal(seen.OrderBy(id => Key(today, id, psychiatrist.Id)), seen);
        var firsts = Enumerable.Range(0, 365).Select(d => seen.MinBy(id => Key(today.AddDays(d), id, psychiatrist.Id))!).GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(6, firsts.Count);
        Assert.All(firsts.Values, count => Assert.InRange(count, 30, 95));
        var other = await api.VerifiedAsync("physician");
        var theirs = (await SearchAsync(other.Client, "specialty=grief&prefecture=nagano&limit=10")).Select(i => i.MemberId).ToList();
        Assert.Equal(seen.OrderBy(id => Key(today, id, other.Id)), theirs);
    }

    [Fact]
    public async Task A_distance_filter_keeps_only_practices_within_reach_and_scores_match_the_domain_rule()
    {
        var sapporo = await ListAsync("clinicalPsychologist", ["eating-disorders", "anxiety"], ["cbt"], "hokkaido", 43.0687, 141.3508);
        var otaru = await ListAsync("clinicalPsychologist", ["eating-disorders"], ["schema", "cbt"], "hokkaido", 43.1907, 140.9947);
        var hakodate = await ListAsync("clinicalPsychologist", ["eating-disorders"], ["cbt"], "hokkaido", 41.7687, 140.7288);
        var psychiatrist = await api.VerifiedAsync("psychiatrist");

        var items = await SearchAsync(psychiatrist.Client, "specialty=eating-disorders,anxiety&modality=cbt&near=43.0687,141.3508&withinKm=50");
        Assert.Equal([sapporo.Id, otaru.Id], items.Select(i => i.MemberId));
        // Sapporo: 2 specialties, 1 modality, accepting, at the door = 20 + 5 + 3 + 5.
        Assert.Equal(33.0, items[0].Score);
        var otaruKm = items[1].Why.DistanceKm!.Value;
        Assert.InRange(otaruKm, 25, 35);
        Assert.Equal(Math.Round(10 + 5 + 3 + (5 - otaruKm / 10), 1), Math.Round(items[1].Score, 1));
        Assert.DoesNotContain(items, i => i.MemberId == hakodate.Id);

        await Expect.FieldErrorAsync(await psychiatrist.Client.GetAsync("/api/directory?withinKm=10"), "withinKm");
        await Expect.FieldErrorAsync(await psychiatrist.Client.GetAsync("/api/directory?cursor=%2F%2F%2F%2Fw%3D%3D"), "cursor");
    }

    [Fact]
    public async Task The_directory_index_is_never_stale_on_either_api_process()
    {
        var psychologist = await ListAsync("clinicalPsychologist", ["perinatal"], ["act"], "okinawa", 26.2124, 127.6809);
        var psychiatrist = await api.VerifiedAsync("psychiatrist");
        await using var secondInstance = api.SecondInstance();
        var second = secondInstance.CreateClient();
        second.DefaultRequestHeaders.Authorization = psychiatrist.Client.DefaultRequestHeaders.Authorization;
        async Task<List<Guid>> FoundAsync(HttpClient client) => (await SearchAsync(client, "specialty=perinatal&prefecture=okinawa")).Select(i => i.MemberId).ToList();

        // Both processes have loaded their index.
        Assert.Equal([psychologist.Id], await FoundAsync(psychiatrist.Client));
        Assert.Equal([psychologist.Id], await FoundAsync(second));

        // A change through one process is seen at once by the other …
        await Expect.StatusAsync(await psychologist.Client.PutAsJsonAsync("/api/me/practice-profile", new
        {
            specialties = new[] { "grief" }, ageGroups = new[] { "adult" }, delivery = new[] { "online" }, onlinePrefectures = new[] { "okinawa" },
        }), 200);
        Assert.Empty(await FoundAsync(second));
        // … and so is one made straight in the database: a lapsed credential hides the profile everywhere.
        await Expect.StatusAsync(await psychologist.Client.PutAsJsonAsync("/api/me/practice-profile", new
        {
            specialties = new[] { "perinatal" }, ageGroups = new[] { "adult" }, delivery = new[] { "online" }, onlinePrefectures = new[] { "okinawa" },
        }), 200);
        Assert.Single(await FoundAsync(second));
        await api.ScalarAsync($"UPDATE credentials SET expires_on = CURRENT_DATE - 1 WHERE member_id = '{psychologist.Id}'");
        Assert.Empty(await FoundAsync(psychiatrist.Client));
        Assert.Empty(await FoundAsync(second));

        // Only what the index holds moves its version: a bio edit or a new pending credential reloads nothing.
        async Task<long> VersionAsync() => await api.DbAsync(db => db.VersionRows.Where(v => v.Name == Assemble.Infrastructure.Persistence.VersionRow.Directory).Select(v => v.Version).SingleAsync());
        var before = await VersionAsync();
        var name = $"clinicalPsychologist-{psychologist.Id.ToString()[..4]}";
        await Expect.StatusAsync(await psychologist.Client.PutAsJsonAsync("/api/me/profile", new { displayName = name, bio = "週末も対応します。" }), 200);
        await Expect.StatusAsync(await psychiatrist.Client.PostAsJsonAsync("/api/me/credentials", new { kind = "physician", registrationNumber = "R-1", issuer = "厚生労働省" }), 201);
        Assert.Equal(before, await VersionAsync());
        await Expect.StatusAsync(await psychologist.Client.PutAsJsonAsync("/api/me/profile", new { displayName = name + "（改）" }), 200);
        Assert.True(await VersionAsync() > before);
    }

    [Fact]
    public async Task A_revoked_credential_unlists_the_practice_at_once_and_only_admins_revoke()
    {
        var psychologist = await ListAsync("clinicalPsychologist", ["addiction"], ["act"], "tottori", 35.5011, 134.2351);
        var psychiatrist = await api.VerifiedAsync("psychiatrist");
        Assert.Single(await SearchAsync(psychiatrist.Client, "specialty=addiction&prefecture=tottori"));
        var credentialId = await api.DbAsync(db => db.Credentials.Where(c => c.MemberId == psychologist.Id).Select(c => c.Id).SingleAsync());

        await Expect.ProblemAsync(await psychiatrist.Client.PostAsJsonAsync($"/api/admin/credentials/{credentialId}/revoke", new { reason = "x" }), 403, "auth.forbidden");
        var admin = await api.AdminAsync();
        await Expect.FieldErrorAsync(await admin.Client.PostAsJsonAsync($"/api/admin/credentials/{credentialId}/revoke", new { reason = " " }), "reason");
        var revoked = await admin.Client.PostAsync<CredentialView>($"/api/admin/credentials/{credentialId}/revoke", new { reason = "登録の抹消を確認しました。" });
        Assert.Equal(CredentialStatus.Revoked, revoked.Status);

        Assert.Empty(await SearchAsync(psychiatrist.Client, "specialty=addiction&prefecture=tottori"));
        Assert.False((await psychologist.Client.GetAsync<PracticeProfiles.PracticeProfileView>("/api/me/practice-profile")).Listed);
        await Expect.ProblemAsync(await psychologist.Client.GetAsync("/api/directory"), 403, "directory.verified_only");
        await Expect.ProblemAsync(await admin.Client.PostAsJsonAsync($"/api/admin/credentials/{credentialId}/revoke", new { reason = "again" }), 409, "credential.not_verified");
        Assert.Equal(1, await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "credential.revoked" && a.TargetId == credentialId)));
        Assert.Equal(1, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == psychologist.Email && m.Subject.Contains("取り消し"))));
    }
}
