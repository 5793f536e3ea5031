using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Common.OpenApi;
using Assemble.Api.Features.Admin;
using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Domain.Credentials;
using Assemble.Domain.Memberships;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Memberships;

public sealed class MembershipOptions
{
    public const string Section = "Membership";

    /// <summary>The month the association's fiscal year (年度) starts; April by default.</summary>
    public int FiscalYearStartMonth { get; set; } = 4;

    /// <summary>Days a membership stays in grace after its paid time ends, before it lapses.</summary>
    public int GraceDays { get; set; } = MembershipStanding.DefaultGraceDays;
}

/// <summary>A member's own membership, and the bank transfers (銀行振込) admins record.</summary>
public static class MembershipDues
{
    public sealed record TransferRequest(string? PlanCode, DateOnly? PaidOn, int? AmountYen, string? Reference);

    /// <param name="VoidedAt">When the dues were refunded in full: the period no longer counts.</param>
    public sealed record MembershipPaymentView(Guid Id, string PlanCode, string PlanName, DateOnly PaidOn, int AmountYen, DuesMethod Method,
        DateOnly StartsOn, DateOnly EndsOn, string? Reference, DateTimeOffset? VoidedAt);

    /// <param name="PaidUntil">The last day paid for without a gap from today (null unless active).</param>
    /// <param name="GraceEndsOn">While in grace: the last day a renewal still continues the membership.</param>
    public sealed record MyMembershipView(MembershipStatus Status, string? PlanCode, string? PlanName, DateOnly? PaidUntil, DateOnly? GraceEndsOn,
        IReadOnlyList<MembershipPaymentView> Payments);

    public static IServiceCollection AddMembershipDues(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MembershipOptions>().Bind(configuration.GetSection(MembershipOptions.Section))
            .Validate(o => o.FiscalYearStartMonth is >= 1 and <= 12, "Membership:FiscalYearStartMonth is a month, 1 to 12.")
            .Validate(o => o.GraceDays is >= 0 and <= 365, "Membership:GraceDays is 0 to 365.")
            .ValidateOnStart();
        return services.AddScoped<DuesRecorder>().AddScoped<DuesCheckout.Handler>().AddScoped<DuesRefunds.Handler>();
    }

    public static void MapMembershipDues(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me/membership", async (ClaimsPrincipal user, AppDbContext db, TimeProvider time, IOptions<MembershipOptions> options, CancellationToken ct) =>
                TypedResults.Ok(await ViewAsync(db, user.RequiredMemberId(), MembershipPayment.DayInJapan(time.GetUtcNow()), options.Value.GraceDays, ct)))
            .RequireAuthorization().WithTags("Membership").WithName("GetMyMembership").WithSummary("Get your membership")
            .ProducesProblems(401)
            .WithDescription("Your standing today (in Japan): none, active, grace (the paid time has ended; a renewal until `graceEndsOn` continues it) or lapsed, the plan of your latest payment, and every payment of dues with the period it bought.");

        app.MapGet("/api/admin/members/{id:guid}/membership", async Task<Results<Ok<MyMembershipView>, ProblemHttpResult>> (
                Guid id, AppDbContext db, TimeProvider time, IOptions<MembershipOptions> options, CancellationToken ct) =>
                await db.Users.AnyAsync(u => u.Id == id, ct)
                    ? TypedResults.Ok(await ViewAsync(db, id, MembershipPayment.DayInJapan(time.GetUtcNow()), options.Value.GraceDays, ct))
                    : Domain.Members.MemberErrors.MemberNotFound.ToProblem())
            .RequireAuthorization(AdminEndpoints.AdminPolicy).WithTags("Admin").WithName("GetMemberMembership").WithSummary("Get a member's membership")
            .ProducesProblems(401, 403, 404)
            .WithDescription("Admins: a member's standing today and every payment of dues (refunded ones with `voidedAt`), as the member sees it. 404 `member.not_found`.");

        app.MapPost("/api/me/membership/checkout", async Task<Results<Ok<DuesCheckout.Response>, ProblemHttpResult>> (
                DuesCheckout.Request request, ClaimsPrincipal user, DuesCheckout.Handler handler, HttpContext http, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user.RequiredMemberId(), request, ct);
                if (result.IsSuccess) return TypedResults.Ok(result.Value!);
                if (result.Error!.Kind == ErrorKind.Unavailable) http.Response.Headers.RetryAfter = "10";
                return result.Error.ToProblem();
            })
            .RequireAuthorization().WithTags("Membership").WithName("StartDuesCheckout").WithSummary("Pay your dues by card")
            .ProducesProblems(400, 401, 409, 422, 503)
            .WithBodyExample("""{"planCode": "regular"}""")
            .WithDescription("Opens Stripe Checkout for a period of the plan's dues, at its price now; send the member to `checkoutUrl`. Asking again for the same plan returns the same session "
                + "(until five minutes before it ends, when a new one is opened); asking for another plan ends the open one at Stripe first. The membership is recorded, its receipt issued and mailed, "
                + "when Stripe reports the money; the period chains on from what you paid before. Renewal opens 90 days before the paid time ends. "
                + "400 `membership.checkout_invalid` (no plan has this code); 422 `membership.plan_not_offered`, `membership.not_eligible` (the plan asks for a verified profession you do not hold) "
                + "or `membership.no_dues` (a plan without a price); 409 `membership.already_paid` (paid well ahead already), `membership.payment_pending` (a konbini payment is under way) "
                + "or `membership.payment_settled` (the open payment went through just now); 503 `payment.unavailable` (Stripe did not answer; nothing was charged, try again).");

        app.MapPost("/api/admin/membership/payments/{id:guid}/refunds", async Task<Results<Created<DuesRefunds.Response>, ProblemHttpResult>> (
                Guid id, DuesRefunds.Request request, ClaimsPrincipal user, DuesRefunds.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user.RequiredMemberId(), id, request, ct);
                return result.IsSuccess ? TypedResults.Created($"/api/admin/members/{result.Value!.MemberId}/membership", result.Value) : result.Error!.ToProblem();
            })
            .RequireAuthorization(AdminEndpoints.AdminPolicy).WithTags("Admin").WithName("RefundDues").WithSummary("Refund dues paid by card")
            .ProducesProblems(400, 401, 403, 404, 422)
            .WithBodyExample("""{"amountYen": 8800}""")
            .WithDescription("Admins: gives card-paid dues back through Stripe, in full (no amount) or in part; the total never exceeds what was paid. Refunded in full, the membership those dues bought ends at once. "
                + "The member is mailed now, and with the return invoice (適格返還請求書, at or above the threshold) when Stripe settles it; a refund Stripe fails gives the membership back. "
                + "The answer's Location is the member's membership. 400 `payment.invalid` (an amount under ¥1); 404 `membership.payment_not_found`; 422 `membership.refund_not_by_card` "
                + "(a bank transfer: refund it by bank) or `payment.refund_too_large`. Audited.");

        app.MapPost("/api/admin/members/{id:guid}/membership/payments", async Task<Results<Created<MembershipPaymentView>, ProblemHttpResult>> (
                Guid id, TransferRequest request, ClaimsPrincipal user, AppDbContext db, DuesRecorder dues, TimeProvider time, CancellationToken ct) =>
            {
                var now = time.GetUtcNow();
                if (request.PaidOn is not { } paidOn || string.IsNullOrWhiteSpace(request.PlanCode))
                    return Error.Validation("membership.payment_invalid", new Dictionary<string, string[]>
                    {
                        [request.PaidOn is null ? "paidOn" : "planCode"] = ["Required."],
                    }).ToProblem();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                if (!await dues.LockMemberAsync(id, ct)) return Domain.Members.MemberErrors.MemberNotFound.ToProblem();
                var plan = await db.MembershipPlans.SingleOrDefaultAsync(p => p.Code == request.PlanCode, ct);
                if (plan is null)
                    return Error.Validation("membership.payment_invalid", new Dictionary<string, string[]> { ["planCode"] = ["No membership plan has this code."] }).ToProblem();
                var professions = await db.Credentials.Where(c => c.MemberId == id).Where(CredentialValidity.On(paidOn)).Select(c => c.Kind).Distinct().ToListAsync(ct);
                var recorded = MembershipPayment.RecordTransfer(Guid.CreateVersion7(now), id, professions, plan, await dues.PaidBeforeAsync(id, ct), paidOn, request.AmountYen,
                    request.Reference, user.RequiredMemberId(), dues.Options.FiscalYearStartMonth, dues.Options.GraceDays, now);
                if (!recorded.IsSuccess) return recorded.Error!.ToProblem();
                var payment = recorded.Value!;
                await dues.AddAsync(payment, plan, payment.Id, now, ct);
                db.AuditEntries.Add(new AuditEntry(user.RequiredMemberId(), "membership.transfer_recorded", "membership_payment", payment.Id, now,
                    $"{plan.Code}:{payment.AmountYen}:{payment.StartsOn:yyyy-MM-dd}..{payment.EndsOn:yyyy-MM-dd}", subjectId: id));
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return TypedResults.Created($"/api/admin/members/{id}/membership", ViewOf(payment, plan.Name));
            })
            .RequireAuthorization(AdminEndpoints.AdminPolicy).WithTags("Admin").WithName("RecordMembershipTransfer").WithSummary("Record dues paid by bank transfer")
            .ProducesProblems(400, 401, 403, 404, 422)
            .WithBodyExample("""{"planCode": "regular", "paidOn": "2026-12-01", "amountYen": 8000, "reference": "ﾔﾏﾀﾞ ﾊﾅｺ 12/01"}""")
            .WithDescription("Admins: a 銀行振込 of dues, with the day it arrived (today or earlier, in Japan) and the bank's reference. The period chains on from what the member paid before (an early renewal, or one in grace, continues without a gap). "
                + "404 `member.not_found`; 422 `membership.not_eligible` when the plan asks for a verified profession the member does not hold; 400 `membership.payment_invalid`. Audited.");
    }

    private static MembershipPaymentView ViewOf(MembershipPayment p, string planName)
        => new(p.Id, p.PlanCode, planName, p.PaidOn, p.AmountYen, p.Method, p.StartsOn, p.EndsOn, p.Reference, p.VoidedAt);

    /// <summary>The member's payments of dues with their plans' names, oldest period first, voided ones too (also in the data export).</summary>
    public static async Task<List<MembershipPaymentView>> PaymentsOfAsync(AppDbContext db, Guid memberId, CancellationToken ct)
        => (await db.MembershipPayments.IgnoreQueryFilters().AsNoTracking().Where(p => p.MemberId == memberId)
                .Join(db.MembershipPlans, p => p.PlanCode, plan => plan.Code, (p, plan) => new { Payment = p, PlanName = plan.Name })
                .OrderBy(x => x.Payment.StartsOn).ToListAsync(ct))
            .Select(x => ViewOf(x.Payment, x.PlanName)).ToList();

    private static async Task<MyMembershipView> ViewAsync(AppDbContext db, Guid memberId, DateOnly today, int graceDays, CancellationToken ct)
    {
        var payments = await PaymentsOfAsync(db, memberId, ct);
        // Dues refunded in full are listed but keep no membership.
        var counted = payments.Where(p => p.VoidedAt is null).ToList();
        var periods = counted.Select(p => new MembershipPeriod(p.StartsOn, p.EndsOn)).ToList();
        var status = MembershipStanding.On(periods, today, graceDays);
        var latest = counted.LastOrDefault();
        var graceEnds = MembershipStanding.GraceEndsOn(periods, today, graceDays);
        return new MyMembershipView(status, latest?.PlanCode, latest?.PlanName, MembershipStanding.PaidUntil(periods, today), graceEnds, payments);
    }
}
