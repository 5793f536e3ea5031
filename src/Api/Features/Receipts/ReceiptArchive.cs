using System.Globalization;
using System.Security.Claims;
using Assemble.Domain.Auditing;
using Assemble.Api.Common;
using Assemble.Api.Common.Csv;
using Assemble.Api.Common.OpenApi;
using Assemble.Api.Features.Admin;
using Assemble.Domain.Common;
using Assemble.Domain.Receipts;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Receipts;

/// <summary>
/// The treasurer's archive of every receipt issued (電子帳簿保存法 asks that they can be found by date, amount and
/// counterparty), as JSON pages and as CSV with one row per receipt and tax rate for accounting software. Receipts
/// are kept at least 7 years; no route deletes one and PostgreSQL refuses to (migration ReceiptDocuments).
/// </summary>
public static class ReceiptArchive
{
    public sealed record Search(DateOnly? From, DateOnly? To, int? MinYen, int? MaxYen, string? Addressee, ReceiptKind? Kind);

    private static IQueryable<Receipt> Filter(IQueryable<Receipt> receipts, Search s)
    {
        if (s.From is { } from) receipts = receipts.Where(r => r.TransactionOn >= from);
        if (s.To is { } to) receipts = receipts.Where(r => r.TransactionOn <= to);
        if (s.MinYen is { } min) receipts = receipts.Where(r => r.TotalYen >= min);
        if (s.MaxYen is { } max) receipts = receipts.Where(r => r.TotalYen <= max);
        if (s.Kind is { } kind) receipts = receipts.Where(r => r.Kind == kind);
        if (!string.IsNullOrWhiteSpace(s.Addressee))
        {
            var pattern = QueryValues.Containing(s.Addressee);
            receipts = receipts.Where(r => EF.Functions.ILike(r.Addressee, pattern, "\\"));
        }
        return receipts;
    }

    /// <summary>The search's shape errors (400), or null.</summary>
    private static ProblemHttpResult? Invalid(Search s)
    {
        var fields = new Dictionary<string, string[]>();
        if (s.From > s.To) fields["to"] = ["On or after from."];
        if (s.MinYen is < 0) fields["minYen"] = ["Whole yen, 0 or more."];
        if (s.MaxYen < s.MinYen) fields["maxYen"] = ["At least minYen."];
        if (s.Addressee is { Length: > Receipt.MaxAddresseeLength }) fields["addressee"] = [$"At most {Receipt.MaxAddresseeLength} characters."];
        return fields.Count > 0 ? Error.Validation("request.invalid", fields).ToProblem() : null;
    }

    public static void MapReceiptArchive(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(AdminEndpoints.AdminPolicy);
        admin.MapGet("/receipts", async Task<Results<Ok<Page<Receipts.ReceiptView>>, ProblemHttpResult>> (
                AppDbContext db, CancellationToken ct, DateOnly? from, DateOnly? to, int? minYen, int? maxYen, string? addressee, string? kind, string? cursor, int? limit) =>
            {
                if (!QueryValues.TryEnum<ReceiptKind>(kind, "kind", out var parsedKind, out var badKind)) return badKind!;
                var search = new Search(from, to, minYen, maxYen, addressee, parsedKind);
                if (Invalid(search) is { } invalid) return invalid;
                if (!Cursor.TryRead(cursor, limit, out var after, out var take, out var problem)) return problem!;
                var query = Filter(db.Receipts.AsNoTracking(), search);
                if (after is { } a) query = query.Where(r => r.Id.CompareTo(a) > 0);
                var rows = await query.OrderBy(r => r.Id).Take(take + 1).ToListAsync(ct);
                return TypedResults.Ok(Cursor.ToPage(rows.Select(Receipts.ReceiptView.Of).ToList(), take, r => r.Id));
            })
            .WithName("SearchReceipts").WithSummary("Search the receipt archive").ProducesProblems(400, 401, 403)
            .WithDescription("Admins: every receipt issued, in the order issued, found by the day of the transaction (`from`, `to`, dates in Japan, both included), "
                + "the total (`minYen`, `maxYen`, tax included), the addressee (`addressee`, part of the name) and `kind` (sale or return); keyset-paginated (`cursor`, `limit` 1 to 100).");

        admin.MapGet("/receipts.csv", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (
                AppDbContext db, ClaimsPrincipal user, TimeProvider time, CancellationToken ct, DateOnly? from, DateOnly? to, int? minYen, int? maxYen, string? addressee, string? kind) =>
            {
                if (!QueryValues.TryEnum<ReceiptKind>(kind, "kind", out var parsedKind, out var badKind)) return badKind!;
                var search = new Search(from, to, minYen, maxYen, addressee, parsedKind);
                if (Invalid(search) is { } invalid) return invalid;
                var receipts = await Filter(db.Receipts.AsNoTracking(), search).OrderBy(r => r.Id).ToListAsync(ct);
                var numbers = receipts.ToDictionary(r => r.Id, r => r.Number.ToString());
                var missing = receipts.Where(r => r.ReissueOf is { } of && !numbers.ContainsKey(of)).Select(r => r.ReissueOf!.Value).Distinct().ToList();
                foreach (var original in await db.Receipts.AsNoTracking().Where(r => missing.Contains(r.Id)).ToListAsync(ct)) numbers[original.Id] = original.Number.ToString();
                // Names and amounts of many payers leave the system: who took them, and which, is kept (the search's keys, not its text).
                db.AuditEntries.Add(new AuditEntry(user.RequiredMemberId(), "receipts.exported", "receipt", null, time.GetUtcNow(),
                    $"from={from};to={to};minYen={minYen};maxYen={maxYen};addressee={(string.IsNullOrWhiteSpace(addressee) ? "any" : "given")};kind={parsedKind?.ToString() ?? "any"};count={receipts.Count}"));
                await db.SaveChangesAsync(ct);
                return TypedResults.File(ToCsv(receipts, numbers), "text/csv; charset=utf-8", "receipts.csv");
            })
            .WithName("ExportReceipts").WithSummary("Export the receipt archive as CSV").ProducesText("text/csv").ProducesProblems(400, 401, 403)
            .WithDescription("Admins: the receipts the same search finds, one row per receipt and tax rate (the amount and the tax of that rate), "
                + "UTF-8 with a BOM for Excel, formulas neutralised. Each export is written to the audit log.");
    }

    private static byte[] ToCsv(IReadOnlyList<Receipt> receipts, IReadOnlyDictionary<Guid, string> numbers)
        => CsvWriter.Write(
            ["番号", "種別", "適格請求書", "取引年月日", "元の取引年月日", "宛名", "税区分", "税率(%)", "金額(税込・円)", "うち消費税(円)", "合計(税込・円)", "再発行元", "登録番号", "発行日時(UTC)"],
            receipts.SelectMany(r => r.Taxes.Select(t => (IReadOnlyList<string?>)[
                r.Number.ToString(), r.Kind == ReceiptKind.Sale ? "領収" : "返還", r.IsQualified ? "はい" : "いいえ",
                r.TransactionOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.OriginalSaleOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.Addressee,
                CategoryName(t.Category), t.RatePercent.ToString(CultureInfo.InvariantCulture), t.AmountYen.ToString(CultureInfo.InvariantCulture),
                t.TaxYen.ToString(CultureInfo.InvariantCulture), r.TotalYen.ToString(CultureInfo.InvariantCulture),
                r.ReissueOf is { } of ? numbers[of] : null, r.Issuer.RegistrationNumber, r.IssuedAt.ToString("u", CultureInfo.InvariantCulture)])));

    private static string CategoryName(TaxCategory category) => category switch
    {
        TaxCategory.Standard => "課税(標準税率)",
        TaxCategory.Reduced => "課税(軽減税率)",
        TaxCategory.Exempt => "非課税",
        _ => "不課税",
    };
}
