using System.Globalization;
using System.Security.Claims;
using Assemble.Domain.Auditing;
using Assemble.Api.Common;
using Assemble.Api.Common.Csv;
using Assemble.Api.Common.OpenApi;
using Assemble.Api.Features.Admin;
using Assemble.Domain.Memberships;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Memberships;

/// <summary>The roll of everyone who ever paid dues and where each stands today, for admins and the treasurer (CSV).</summary>
public static class MembershipRoll
{
    /// <param name="PaidUntil">The last day paid for without a gap from today (null unless active).</param>
    /// <param name="GraceEndsOn">While in grace: the last day a renewal still continues the membership.</param>
    public sealed record MembershipLine(Guid MemberId, string? DisplayName, string? Email, MembershipStatus Status, string PlanCode, string PlanName,
        DateOnly LastPaidOn, DateOnly? PaidUntil, DateOnly LastPeriodEndsOn, DateOnly? GraceEndsOn);

    /// <summary>Each member's standing on <paramref name="today"/>, computed by <see cref="MembershipStanding"/> from every period paid.</summary>
    private static async Task<List<MembershipLine>> ReadAsync(AppDbContext db, DateOnly today, int graceDays, MembershipStatus? status, CancellationToken ct)
    {
        var payments = await db.MembershipPayments.AsNoTracking()
            .Join(db.MembershipPlans, p => p.PlanCode, plan => plan.Code, (p, plan) => new { p.MemberId, p.PlanCode, PlanName = plan.Name, p.PaidOn, p.StartsOn, p.EndsOn })
            .ToListAsync(ct);
        var members = payments.Select(p => p.MemberId).Distinct().ToList();
        var people = await db.MemberProfiles.AsNoTracking().Where(p => members.Contains(p.Id)).Select(p => new { p.Id, p.DisplayName }).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
        var emails = await db.Users.AsNoTracking().Where(u => members.Contains(u.Id)).Select(u => new { u.Id, u.Email }).ToDictionaryAsync(u => u.Id, u => u.Email, ct);
        return payments.GroupBy(p => p.MemberId)
            .Select(g =>
            {
                var periods = g.Select(p => new MembershipPeriod(p.StartsOn, p.EndsOn)).ToList();
                var standing = MembershipStanding.On(periods, today, graceDays);
                var latest = g.OrderBy(p => p.StartsOn).Last();
                var lastEnd = periods.Max(p => p.EndsOn);
                return new MembershipLine(g.Key, people.GetValueOrDefault(g.Key), emails.GetValueOrDefault(g.Key), standing, latest.PlanCode, latest.PlanName,
                    g.Max(p => p.PaidOn), MembershipStanding.PaidUntil(periods, today), lastEnd,
                    MembershipStanding.GraceEndsOn(periods, today, graceDays));
            })
            .Where(l => status is null || l.Status == status)
            .OrderBy(l => l.MemberId)
            .ToList();
    }

    public static void MapMembershipRoll(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(AdminEndpoints.AdminPolicy);
        admin.MapGet("/memberships", async Task<Results<Ok<Page<MembershipLine>>, ProblemHttpResult>> (
                AppDbContext db, TimeProvider time, IOptions<MembershipOptions> options, CancellationToken ct, string? status, string? cursor, int? limit) =>
            {
                if (!QueryValues.TryEnum<MembershipStatus>(status, "status", out var parsed, out var bad)) return bad!;
                if (!Cursor.TryRead(cursor, limit, out var after, out var take, out var problem)) return problem!;
                var lines = await ReadAsync(db, MembershipPayment.DayInJapan(time.GetUtcNow()), options.Value.GraceDays, parsed, ct);
                return TypedResults.Ok(Cursor.ToPage(lines.Where(l => after is null || l.MemberId.CompareTo(after.Value) > 0).Take(take + 1).ToList(), take, l => l.MemberId));
            })
            .WithName("ListMemberships").WithSummary("List memberships").ProducesProblems(400, 401, 403)
            .WithDescription("Admins: everyone who has paid dues, with their standing today in Japan (active, grace, lapsed), the plan of their latest period, "
                + "the day paid until and, in grace, the last day a renewal continues the membership. `status` narrows the list; keyset-paginated (`cursor`, `limit` 1 to 100).");

        admin.MapGet("/memberships.csv", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (
                AppDbContext db, ClaimsPrincipal user, TimeProvider time, IOptions<MembershipOptions> options, CancellationToken ct, string? status) =>
            {
                if (!QueryValues.TryEnum<MembershipStatus>(status, "status", out var parsed, out var bad)) return bad!;
                var lines = await ReadAsync(db, MembershipPayment.DayInJapan(time.GetUtcNow()), options.Value.GraceDays, parsed, ct);
                // Names and e-mail addresses of many members leave the system: who took them is kept.
                db.AuditEntries.Add(new AuditEntry(user.RequiredMemberId(), "memberships.exported", "membership", null, time.GetUtcNow(),
                    $"status={parsed?.ToString() ?? "any"};count={lines.Count}"));
                await db.SaveChangesAsync(ct);
                return TypedResults.File(CsvWriter.Write(
                    ["会員ID", "氏名", "メール", "状態", "会員種別コード", "会員種別", "最終入金日", "有効期限", "最終期間の終了日", "猶予期限"],
                    lines.Select(l => (IReadOnlyList<string?>)[
                        l.MemberId.ToString(), l.DisplayName, l.Email, StatusName(l.Status), l.PlanCode, l.PlanName, Day(l.LastPaidOn), Day(l.PaidUntil),
                        Day(l.LastPeriodEndsOn), Day(l.GraceEndsOn)])), "text/csv; charset=utf-8", "memberships.csv");
            })
            .WithName("ExportMemberships").WithSummary("Export memberships as CSV").ProducesText("text/csv").ProducesProblems(400, 401, 403)
            .WithDescription("Admins: the same list for the treasurer, UTF-8 with a BOM for Excel, formulas neutralised. Each export is written to the audit log.");
    }

    private static string? Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string StatusName(MembershipStatus status) => status switch
    {
        MembershipStatus.Active => "有効",
        MembershipStatus.Grace => "猶予中",
        MembershipStatus.Lapsed => "失効",
        _ => "未入会",
    };
}
