using System.Net.Http.Json;
using Assemble.Api.Features.Memberships;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Members;
using Assemble.Domain.Memberships;
using Assemble.Domain.Receipts;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class MembershipPlanTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static object Regular(bool offered = true, int price = 8_000) => new
    {
        name = "正会員", priceYen = price, professions = new[] { "clinicalPsychologist", "certifiedPublicPsychologist" },
        validity = "fiscalYear", tax = "standard", offered,
    };

    [Fact]
    public async Task An_admin_adds_and_changes_plans_audited_and_anyone_reads_those_on_offer_cheapest_first()
    {
        var admin = await api.AdminAsync();
        var code = "regular-" + Guid.NewGuid().ToString("N")[..6];
        var created = await admin.Client.PutAsync<MembershipPlans.MembershipPlanView>($"/api/admin/membership/plans/{code}", Regular(), 201);
        Assert.Equal((code, "正会員", 8_000, PlanValidity.FiscalYear, TaxCategory.Standard, 10, true),
            (created.Code, created.Name, created.PriceYen, created.Validity, created.Tax, created.TaxRatePercent, created.Offered));
        Assert.Equal([Profession.CertifiedPublicPsychologist, Profession.ClinicalPsychologist], created.Professions);

        var student = "student-" + Guid.NewGuid().ToString("N")[..6];
        await admin.Client.PutAsync<MembershipPlans.MembershipPlanView>($"/api/admin/membership/plans/{student}",
            new { name = "学生会員", priceYen = 3_000, professions = Array.Empty<string>(), validity = "twelveMonths", tax = "outOfScope", offered = true }, 201);
        var changed = await admin.Client.PutAsync<MembershipPlans.MembershipPlanView>($"/api/admin/membership/plans/{code}", Regular(price: 9_000), 200);
        Assert.Equal(9_000, changed.PriceYen);

        var anonymous = api.CreateClient();
        var offered = await anonymous.GetAsync<List<MembershipPlans.MembershipPlanView>>("/api/membership/plans");
        var ours = offered.Where(p => p.Code == code || p.Code == student).ToList();
        Assert.Equal([student, code], ours.Select(p => p.Code));
        Assert.Equal(0, ours[0].TaxRatePercent);

        await admin.Client.PutAsync<MembershipPlans.MembershipPlanView>($"/api/admin/membership/plans/{code}", Regular(offered: false, price: 9_000), 200);
        Assert.DoesNotContain(await anonymous.GetAsync<List<MembershipPlans.MembershipPlanView>>("/api/membership/plans"), p => p.Code == code);
        Assert.False((await admin.Client.GetAsync<MembershipPlans.MembershipPlanView>($"/api/admin/membership/plans/{code}")).Offered);

        var audit = await api.DbAsync(db => db.AuditEntries.Where(a => a.TargetType == "membership_plan" && a.Detail!.StartsWith(code + ":")).OrderBy(a => a.OccurredAt).Select(a => a.Action).ToListAsync());
        Assert.Equal(["membership_plan.added", "membership_plan.changed", "membership_plan.changed"], audit);
    }

    [Fact]
    public async Task Bad_plans_get_field_errors_and_nothing_is_written()
    {
        var admin = await api.AdminAsync();
        var code = "bad-" + Guid.NewGuid().ToString("N")[..6];
        await Expect.FieldErrorAsync(await admin.Client.PutAsJsonAsync($"/api/admin/membership/plans/{code}", new { name = "正会員", priceYen = -1, professions = Array.Empty<string>(), validity = "fiscalYear", tax = "standard", offered = true }), "priceYen");
        await Expect.FieldErrorAsync(await admin.Client.PutAsJsonAsync($"/api/admin/membership/plans/{code}", new { name = "正会員", priceYen = 8_000, validity = "fiscalYear", tax = "standard", offered = true }), "professions");
        await Expect.FieldErrorAsync(await admin.Client.PutAsJsonAsync("/api/admin/membership/plans/正会員", Regular()), "code");
        await Expect.FieldErrorAsync(await admin.Client.PutAsJsonAsync($"/api/admin/membership/plans/{code}", new { name = "正会員", priceYen = 8_000, professions = Array.Empty<string>(), validity = "forever", tax = "standard", offered = true }), "validity");
        Assert.Equal(0, await api.DbAsync(db => db.MembershipPlans.CountAsync(p => p.Code == code)));
    }

    [Fact]
    public async Task Members_cannot_set_or_read_plans_as_admins_and_an_unknown_code_is_404()
    {
        var admin = await api.AdminAsync();
        var member = await api.SignUpAsync();
        var code = "regular-" + Guid.NewGuid().ToString("N")[..6];
        await Expect.ProblemAsync(await member.Client.PutAsJsonAsync($"/api/admin/membership/plans/{code}", Regular()), 403, "auth.forbidden");
        await Expect.StatusAsync(await api.CreateClient().PutAsJsonAsync($"/api/admin/membership/plans/{code}", Regular()), 401);
        await admin.Client.PutAsync<MembershipPlans.MembershipPlanView>($"/api/admin/membership/plans/{code}", Regular(), 201);
        await Expect.ProblemAsync(await member.Client.GetAsync($"/api/admin/membership/plans/{code}"), 403, "auth.forbidden");
        await Expect.ProblemAsync(await admin.Client.GetAsync("/api/admin/membership/plans/no-such-plan"), 404, "membership_plan.not_found");
    }
}
