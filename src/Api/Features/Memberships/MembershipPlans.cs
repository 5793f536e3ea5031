using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Common.OpenApi;
using Assemble.Api.Features.Admin;
using Assemble.Domain.Auditing;
using Assemble.Domain.Members;
using Assemble.Domain.Memberships;
using Assemble.Domain.Receipts;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Memberships;

/// <summary>The membership plans (正会員, 一般会員, 学生会員 …): anyone can read those on offer; admins set them.</summary>
public static class MembershipPlans
{
    public sealed record PlanRequest(string? Name, int? PriceYen, List<Profession>? Professions, PlanValidity? Validity, TaxCategory? Tax, bool? Offered);

    /// <param name="TaxRatePercent">The consumption tax rate in the dues: 10, 8, or 0 for exempt and out-of-scope dues.</param>
    public sealed record MembershipPlanView(string Code, string Name, int PriceYen, IReadOnlyList<Profession> Professions, PlanValidity Validity,
        TaxCategory Tax, int TaxRatePercent, bool Offered)
    {
        public static MembershipPlanView Of(MembershipPlan p) => new(p.Code, p.Name, p.PriceYen, p.Professions, p.Validity, p.Tax, TaxRates.PercentOf(p.Tax), p.Offered);
    }

    public static void MapMembershipPlans(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/membership/plans", async (AppDbContext db, CancellationToken ct) =>
                TypedResults.Ok((await db.MembershipPlans.AsNoTracking().Where(p => p.Offered).OrderBy(p => p.PriceYen).ThenBy(p => p.Code).ToListAsync(ct))
                    .Select(MembershipPlanView.Of).ToList()))
            .WithTags("Membership").WithName("ListMembershipPlans").WithSummary("List the membership plans on offer").AllowAnonymous()
            .WithDescription("Public: the plans open to new payments, cheapest first, each with its yearly dues in yen (tax included), the verified professions it asks for (none: anyone), how long a payment keeps it (the fiscal year or twelve months) and the consumption tax in the dues.");

        var admin = app.MapGroup("/api/admin/membership/plans").WithTags("Admin").RequireAuthorization(AdminEndpoints.AdminPolicy);
        admin.MapGet("/{code}", async Task<Results<Ok<MembershipPlanView>, ProblemHttpResult>> (string code, AppDbContext db, CancellationToken ct) =>
                await db.MembershipPlans.AsNoTracking().SingleOrDefaultAsync(p => p.Code == code, ct) is { } plan
                    ? TypedResults.Ok(MembershipPlanView.Of(plan))
                    : NotFound.ToProblem())
            .WithName("GetMembershipPlan").WithSummary("Get a membership plan").ProducesProblems(401, 403, 404)
            .WithDescription("Admins: one plan, on offer or not. 404 `membership_plan.not_found`.");

        admin.MapPut("/{code}", async Task<Results<Ok<MembershipPlanView>, Created<MembershipPlanView>, ProblemHttpResult>> (
                string code, PlanRequest request, ClaimsPrincipal user, AppDbContext db, TimeProvider time, CancellationToken ct) =>
            {
                var now = time.GetUtcNow();
                var terms = new PlanTerms(request.Name, request.PriceYen, request.Professions, request.Validity, request.Tax, request.Offered);
                var plan = await db.MembershipPlans.SingleOrDefaultAsync(p => p.Code == code, ct);
                var created = plan is null;
                if (plan is null)
                {
                    var made = MembershipPlan.Define(code, terms, now);
                    if (!made.IsSuccess) return made.Error!.ToProblem();
                    db.MembershipPlans.Add(plan = made.Value!);
                }
                else if (plan.Change(terms, now) is { IsSuccess: false } refused) return refused.Error!.ToProblem();
                db.AuditEntries.Add(new AuditEntry(user.RequiredMemberId(), created ? "membership_plan.added" : "membership_plan.changed", "membership_plan", null, now,
                    $"{plan.Code}:{plan.PriceYen}:{plan.Validity}:{plan.Tax}:{(plan.Offered ? "offered" : "withdrawn")}"));
                await db.SaveChangesAsync(ct);
                var view = MembershipPlanView.Of(plan);
                return created ? TypedResults.Created($"/api/admin/membership/plans/{plan.Code}", view) : TypedResults.Ok(view);
            })
            .WithName("SetMembershipPlan").WithSummary("Add or change a membership plan").ProducesProblems(400, 401, 403)
            .WithBodyExample("""
                {"name": "正会員", "priceYen": 8000, "professions": ["clinicalPsychologist", "certifiedPublicPsychologist"],
                 "validity": "fiscalYear", "tax": "standard", "offered": true}
                """)
            .WithDescription("Admins: adds (201) or changes (200) the plan with this code (2 to 40 lower-case letters, digits or hyphens). "
                + "Every field is required; `professions` empty admits anyone. `offered` false withdraws it from new payments; memberships paid under it stay. Audited.");
    }

    private static readonly Domain.Common.Error NotFound = new("membership_plan.not_found", "No membership plan has this code.", Domain.Common.ErrorKind.NotFound);
}
