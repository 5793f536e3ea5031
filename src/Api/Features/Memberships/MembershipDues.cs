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

    public sealed record MembershipPaymentView(Guid Id, string PlanCode, string PlanName, DateOnly PaidOn, int AmountYen, DuesMethod Method,
        DateOnly StartsOn, DateOnly EndsOn, string? Reference);

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
        return services;
    }

    public static void MapMembershipDues(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me/membership", async (ClaimsPrincipal user, AppDbContext db, TimeProvider time, IOptions<MembershipOptions> options, CancellationToken ct) =>
                TypedResults.Ok(await ViewAsync(db, user.RequiredMemberId(), MembershipPayment.DayInJapan(time.GetUtcNow()), options.Value.GraceDays, ct)))
            .RequireAuthorization().WithTags("Membership").WithName("GetMyMembership").WithSummary("Get your membership")
            .ProducesProblems(401)
            .WithDescription("Your standing today (in Japan): none, active, grace (the paid time has ended; a renewal until `graceEndsOn` continues it) or lapsed, the plan of your latest payment, and every payment of dues with the period it bought.");

        app.MapPost("/api/admin/members/{id:guid}/membership/payments", async Task<Results<Created<MembershipPaymentView>, ProblemHttpResult>> (
                Guid id, TransferRequest request, ClaimsPrincipal user, AppDbContext db, TimeProvider time, IOptions<MembershipOptions> options,
                IOptions<Receipts.ReceiptOptions> receiptOptions, Microsoft.AspNetCore.DataProtection.IDataProtectionProvider protection,
                Infrastructure.Email.PublicLinks links, CancellationToken ct) =>
            {
                var now = time.GetUtcNow();
                if (request.PaidOn is not { } paidOn || string.IsNullOrWhiteSpace(request.PlanCode))
                    return Error.Validation("membership.payment_invalid", new Dictionary<string, string[]>
                    {
                        [request.PaidOn is null ? "paidOn" : "planCode"] = ["Required."],
                    }).ToProblem();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                // One payment at a time per member: each chains on from the ones before it.
                var member = await db.Database.SqlQuery<Guid>($"SELECT id AS \"Value\" FROM users WHERE id = {id} FOR UPDATE").ToListAsync(ct);
                if (member.Count == 0) return Domain.Members.MemberErrors.MemberNotFound.ToProblem();
                var plan = await db.MembershipPlans.SingleOrDefaultAsync(p => p.Code == request.PlanCode, ct);
                if (plan is null)
                    return Error.Validation("membership.payment_invalid", new Dictionary<string, string[]> { ["planCode"] = ["No membership plan has this code."] }).ToProblem();
                var paidBefore = await db.MembershipPayments.Where(p => p.MemberId == id).Select(p => new MembershipPeriod(p.StartsOn, p.EndsOn)).ToListAsync(ct);
                var professions = await db.Credentials.Where(c => c.MemberId == id).Where(CredentialValidity.On(paidOn)).Select(c => c.Kind).Distinct().ToListAsync(ct);
                var recorded = MembershipPayment.RecordTransfer(Guid.CreateVersion7(now), id, professions, plan, paidBefore, paidOn, request.AmountYen, request.Reference,
                    user.RequiredMemberId(), options.Value.FiscalYearStartMonth, options.Value.GraceDays, now);
                if (!recorded.IsSuccess) return recorded.Error!.ToProblem();
                var payment = recorded.Value!;
                db.MembershipPayments.Add(payment);
                var receipt = await Receipts.Receipts.IssueSaleAsync(db, receiptOptions.Value, id, payment.Id, payment.PaidOn,
                    [ReceiptItemOf(plan, payment)], now, ct);
                if ((await Email.Notices.RecipientsAsync(db, [id], ct)).GetValueOrDefault(id) is { } to)
                {
                    var (subject, body) = DuesReceivedMail(to.Language, plan.Name, payment, Receipts.ReceiptLinks.For(protection, links, receipt.Id));
                    db.OutboxEmails.Add(new OutboxEmail(to.Email, subject, body, null, essential: true, now));
                }
                db.AuditEntries.Add(new AuditEntry(user.RequiredMemberId(), "membership.transfer_recorded", "membership_payment", payment.Id, now,
                    $"{plan.Code}:{payment.AmountYen}:{payment.StartsOn:yyyy-MM-dd}..{payment.EndsOn:yyyy-MM-dd}", subjectId: id));
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return TypedResults.Created($"/api/admin/members/{id}/membership/payments/{payment.Id}", ViewOf(payment, plan.Name));
            })
            .RequireAuthorization(AdminEndpoints.AdminPolicy).WithTags("Admin").WithName("RecordMembershipTransfer").WithSummary("Record dues paid by bank transfer")
            .ProducesProblems(400, 401, 403, 404, 422)
            .WithBodyExample("""{"planCode": "regular", "paidOn": "2026-12-01", "amountYen": 8000, "reference": "ﾔﾏﾀﾞ ﾊﾅｺ 12/01"}""")
            .WithDescription("Admins: a 銀行振込 of dues, with the day it arrived (today or earlier, in Japan) and the bank's reference. The period chains on from what the member paid before (an early renewal, or one in grace, continues without a gap). "
                + "404 `member.not_found`; 422 `membership.not_eligible` when the plan asks for a verified profession the member does not hold; 400 `membership.payment_invalid`. Audited.");
    }

    /// <summary>The mail to the member when dues are received: the period bought and the signed link to the receipt.</summary>
    private static (string Subject, string Body) DuesReceivedMail(Domain.Members.PreferredLanguage language, string plan, MembershipPayment payment, string receiptLink)
        => language == Domain.Members.PreferredLanguage.Ja
            ? ("【Assemble】年会費の入金を確認しました",
                $"{plan}の年会費 ¥{payment.AmountYen:N0} の入金を確認しました（{payment.PaidOn.Year}年{payment.PaidOn.Month}月{payment.PaidOn.Day}日）。\n"
                + $"会員期間: {payment.StartsOn:yyyy/MM/dd}–{payment.EndsOn:yyyy/MM/dd}\n\n"
                + Receipts.ReceiptLinks.MailLines(language, receiptLink))
            : ("[Assemble] Your dues are received",
                $"We received your {plan} dues of ¥{payment.AmountYen:N0} ({payment.PaidOn:d MMM yyyy}).\nMembership: {payment.StartsOn:yyyy-MM-dd} to {payment.EndsOn:yyyy-MM-dd}\n\n"
                + Receipts.ReceiptLinks.MailLines(language, receiptLink));

    /// <summary>What a receipt for dues lists: the plan and the period bought, at the plan's tax category.</summary>
    public static Domain.Receipts.ReceiptItem ReceiptItemOf(MembershipPlan plan, MembershipPayment payment)
        => new($"{plan.Name} 会費 ({payment.StartsOn:yyyy/MM/dd}–{payment.EndsOn:yyyy/MM/dd})", payment.AmountYen, plan.Tax);

    private static MembershipPaymentView ViewOf(MembershipPayment p, string planName)
        => new(p.Id, p.PlanCode, planName, p.PaidOn, p.AmountYen, p.Method, p.StartsOn, p.EndsOn, p.Reference);

    /// <summary>The member's payments of dues with their plans' names, oldest period first (also in the data export).</summary>
    public static async Task<List<MembershipPaymentView>> PaymentsOfAsync(AppDbContext db, Guid memberId, CancellationToken ct)
        => (await db.MembershipPayments.AsNoTracking().Where(p => p.MemberId == memberId)
                .Join(db.MembershipPlans, p => p.PlanCode, plan => plan.Code, (p, plan) => new { Payment = p, PlanName = plan.Name })
                .OrderBy(x => x.Payment.StartsOn).ToListAsync(ct))
            .Select(x => ViewOf(x.Payment, x.PlanName)).ToList();

    private static async Task<MyMembershipView> ViewAsync(AppDbContext db, Guid memberId, DateOnly today, int graceDays, CancellationToken ct)
    {
        var payments = await PaymentsOfAsync(db, memberId, ct);
        var periods = payments.Select(p => new MembershipPeriod(p.StartsOn, p.EndsOn)).ToList();
        var status = MembershipStanding.On(periods, today, graceDays);
        var latest = payments.LastOrDefault();
        var graceEnds = MembershipStanding.GraceEndsOn(periods, today, graceDays);
        return new MyMembershipView(status, latest?.PlanCode, latest?.PlanName, MembershipStanding.PaidUntil(periods, today), graceEnds, payments);
    }
}
