using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Common.OpenApi;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Memberships;
using Assemble.Domain.Payments;
using Assemble.Domain.Receipts;
using Assemble.Infrastructure.Persistence;
using Assemble.Infrastructure.Receipts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Receipts;

/// <summary>The association as the issuer of receipts (configuration section <c>Receipts</c>).</summary>
public sealed class ReceiptOptions
{
    public const string Section = "Receipts";

    public string IssuerName { get; set; } = "一般社団法人 対人支援職協会";
    public string IssuerAddress { get; set; } = "";

    /// <summary>適格請求書発行事業者の登録番号 (T and 13 digits), or empty for an issuer not registered: plain receipts then.</summary>
    public string? RegistrationNumber { get; set; }

    /// <summary>The font receipts' PDFs are set in and embed: IPAex Gothic, from Debian's <c>fonts-ipaexfont-gothic</c>.</summary>
    public string FontPath { get; set; } = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";

    /// <summary>A refund below this (tax included) needs no return invoice.</summary>
    public int ReturnInvoiceThresholdYen { get; set; } = 10_000;

    public ReceiptIssuer Issuer() => new(IssuerName, IssuerAddress,
        string.IsNullOrWhiteSpace(RegistrationNumber) ? null : Domain.Receipts.RegistrationNumber.Parse(RegistrationNumber).Value!.Value);
}

/// <summary>Every settled payment's receipt: issued in the payment's transaction, read by its payer and admins only.</summary>
public static class Receipts
{
    /// <inheritdoc cref="Receipt.UnnamedAddressee"/>
    public const string UnnamedAddressee = Receipt.UnnamedAddressee;

    public sealed record ReceiptView(Guid Id, string Number, ReceiptKind Kind, bool Qualified, ReceiptIssuer Issuer, string Addressee, DateOnly TransactionOn,
        DateOnly? OriginalSaleOn, IReadOnlyList<ReceiptItem> Items, IReadOnlyList<TaxLine> Taxes, int TotalYen, Guid? ReissueOf, DateTimeOffset IssuedAt)
    {
        public static ReceiptView Of(Receipt r) => new(r.Id, r.Number.ToString(), r.Kind, r.IsQualified, r.Issuer, r.Addressee, r.TransactionOn, r.OriginalSaleOn,
            r.Items, r.Taxes, r.TotalYen, r.ReissueOf, r.IssuedAt);
    }

    public sealed record AddresseeRequest(string? Addressee);

    public static IServiceCollection AddReceipts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReceiptOptions>().Bind(configuration.GetSection(ReceiptOptions.Section))
            .Validate(o => string.IsNullOrWhiteSpace(o.RegistrationNumber) || Domain.Receipts.RegistrationNumber.Parse(o.RegistrationNumber).IsSuccess,
                "Receipts:RegistrationNumber is T and 13 digits whose first digit checks the others (国税庁's rule), or empty.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.IssuerName), "Receipts:IssuerName is required.")
            .Validate(o => o.ReturnInvoiceThresholdYen >= 0, "Receipts:ReturnInvoiceThresholdYen is whole yen, 0 or more.")
            .ValidateOnStart();
        services.AddSingleton(sp => new ReceiptPdf(sp.GetRequiredService<IOptions<ReceiptOptions>>().Value.FontPath));
        return services;
    }

    /// <summary>
    /// Issues the sale receipt of a payment, numbered from the year's gapless sequence, in the caller's transaction
    /// (which the payment commits in, so a payment without its receipt never commits). The addressee is the payer's
    /// display name, else <see cref="UnnamedAddressee"/>.
    /// </summary>
    public static async Task<Receipt> IssueSaleAsync(AppDbContext db, ReceiptOptions options, Guid payerId, Guid paymentId, DateOnly transactionOn,
        IReadOnlyList<ReceiptItem> items, DateTimeOffset now, CancellationToken ct)
    {
        var name = await db.MemberProfiles.Where(p => p.Id == payerId).Select(p => p.DisplayName).SingleOrDefaultAsync(ct);
        var sequence = await ReceiptSequence.NextAsync(db, transactionOn.Year, ct);
        var receipt = Receipt.Issue(Guid.CreateVersion7(now), new ReceiptNumber(transactionOn.Year, sequence), ReceiptKind.Sale, payerId, paymentId, options.Issuer(),
            string.IsNullOrWhiteSpace(name) ? UnnamedAddressee : name, transactionOn, null, items, now);
        db.Receipts.Add(receipt);
        return receipt;
    }

    /// <summary>The sale receipt of a ticket payment that just settled, dated the day it was paid: the event and ticket type, the seats, the ticket's tax.</summary>
    public static Task<Receipt> IssueTicketSaleAsync(AppDbContext db, ReceiptOptions options, Event e, Registration registration, Payment payment,
        DateTimeOffset now, CancellationToken ct)
    {
        var ticketType = e.TicketTypes.Single(t => t.Id == registration.TicketTypeId);
        var description = $"{e.Title}（{ticketType.Name}） {TimeZoneInfo.ConvertTime(e.StartsAt, TimeZoneInfo.FindSystemTimeZoneById(e.TimeZone)):yyyy/MM/dd}" + (registration.Quantity > 1 ? $" × {registration.Quantity}" : "");
        return IssueSaleAsync(db, options, payment.MemberId, payment.Id, MembershipPayment.DayInJapan(payment.PaidAt ?? now), [new ReceiptItem(description, payment.AmountYen, ticketType.Tax)], now, ct);
    }

    /// <summary>
    /// The return invoice of a refund (適格返還請求書: the refund's day, the sale's day, the amount and tax per rate), in
    /// the caller's transaction; null under the threshold, where none is needed.
    /// </summary>
    public static async Task<Receipt?> IssueReturnAsync(AppDbContext db, ReceiptOptions options, Payment payment, Refund refund, DateTimeOffset now, CancellationToken ct)
    {
        if (!Receipt.ReturnInvoiceRequired(refund.AmountYen, options.ReturnInvoiceThresholdYen)) return null;
        // The sale's latest issue (a reissue carries the addressee the payer chose last).
        var sale = await db.Receipts.AsNoTracking().Where(r => r.PaymentId == payment.Id && r.Kind == ReceiptKind.Sale).OrderByDescending(r => r.IssuedAt).FirstOrDefaultAsync(ct);
        var saleOn = sale?.TransactionOn ?? MembershipPayment.DayInJapan(payment.PaidAt ?? payment.CreatedAt);
        // A payment settled before receipts existed has none: its ticket type says what was bought and its tax.
        var what = sale?.Items[0] ?? await db.Registrations.Where(r => r.Id == payment.RegistrationId)
            .Join(db.TicketTypes, r => r.TicketTypeId, t => t.Id, (r, t) => new { t.Name, t.Tax })
            .Select(t => new ReceiptItem("参加費（" + t.Name + "）", payment.AmountYen, t.Tax)).SingleAsync(ct);
        var name = await db.MemberProfiles.Where(p => p.Id == payment.MemberId).Select(p => p.DisplayName).SingleOrDefaultAsync(ct);
        var on = MembershipPayment.DayInJapan(now);
        var sequence = await ReceiptSequence.NextAsync(db, on.Year, ct);
        var receipt = Receipt.Issue(Guid.CreateVersion7(now), new ReceiptNumber(on.Year, sequence), ReceiptKind.Return, payment.MemberId, payment.Id, options.Issuer(),
            sale?.Addressee ?? (string.IsNullOrWhiteSpace(name) ? UnnamedAddressee : name), on, saleOn,
            [new ReceiptItem($"返金: {what.Description}", refund.AmountYen, what.Category)], now, refund.Id);
        db.Receipts.Add(receipt);
        return receipt;
    }

    public static void MapReceipts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Membership").RequireAuthorization();
        group.MapGet("/me/receipts", async (ClaimsPrincipal user, AppDbContext db, CancellationToken ct) =>
            {
                var me = user.RequiredMemberId();
                var receipts = await db.Receipts.AsNoTracking().Where(r => r.PayerId == me).OrderByDescending(r => r.Id).ToListAsync(ct);
                return TypedResults.Ok(receipts.Select(ReceiptView.Of).ToList());
            })
            .WithName("ListMyReceipts").WithSummary("List your receipts").ProducesProblems(401)
            .WithDescription("Every receipt issued to you, newest first: one for each settled payment, and reissues with a new addressee.");

        group.MapGet("/receipts/{id:guid}", async Task<Results<Ok<ReceiptView>, ProblemHttpResult>> (Guid id, ClaimsPrincipal user, AppDbContext db, CancellationToken ct) =>
                await db.Receipts.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct) is { } receipt && (receipt.PayerId == user.RequiredMemberId() || user.IsAdmin())
                    ? TypedResults.Ok(ReceiptView.Of(receipt))
                    : NotFound.ToProblem())
            .WithName("GetReceipt").WithSummary("Get a receipt").ProducesProblems(401, 404)
            .WithDescription("The payer and admins: the receipt as issued (a qualified invoice when the issuer is registered: its number, the amount and tax per rate). Anyone else gets 404 `receipt.not_found`.");

        group.MapGet("/receipts/{id:guid}.pdf", (Guid id, ClaimsPrincipal user, AppDbContext db, ReceiptPdf pdf, TimeProvider time, HttpContext http, ILogger<ReceiptPdf> log, CancellationToken ct)
                => PdfAsync(id, r => r.PayerId == user.RequiredMemberId() ? Reader.Payer : user.IsAdmin() ? Reader.Admin : Reader.Stranger, db, pdf, time, http, log, ct))
            .WithName("GetReceiptPdf").WithSummary("Get a receipt as PDF").ProducesBinary("application/pdf").ProducesProblems(401, 404, 503)
            .WithDescription("The payer and admins: the receipt as a PDF (A4, Japanese). It is made at the payer's first download and kept as made, with its SHA-256 "
                + "(the ETag, and Repr-Digest per RFC 9530); from then on a new addressee means a reissue. An admin looking earlier fixes nothing. Anyone else gets 404 `receipt.not_found`; "
                + "503 `receipt.pdf_unavailable` when the server lacks its font.");

        group.MapPut("/receipts/{id:guid}/addressee", async Task<Results<Ok<ReceiptView>, Created<ReceiptView>, ProblemHttpResult>> (
                Guid id, AddresseeRequest request, ClaimsPrincipal user, AppDbContext db, TimeProvider time, CancellationToken ct) =>
            {
                var now = time.GetUtcNow();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var receipt = await db.Receipts.FromSql($"SELECT * FROM receipts WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(ct);
                if (receipt is null || receipt.PayerId != user.RequiredMemberId()) return NotFound.ToProblem();
                ReceiptNumber? next = null;
                if (receipt.FirstDownloadedAt is not null) next = new ReceiptNumber(receipt.Year, await ReceiptSequence.NextAsync(db, receipt.Year, ct));
                var changed = receipt.ChangeAddressee(request.Addressee, Guid.CreateVersion7(now), () => next!, now);
                // A refusal, or the same addressee after a download, ends here: the transaction rolls back and the number taken goes back.
                if (!changed.IsSuccess) return changed.Error!.ToProblem();
                if (changed.Value is { } reissue) db.Receipts.Add(reissue);
                else if (next is not null) return TypedResults.Ok(ReceiptView.Of(receipt));
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return changed.Value is { } made
                    ? TypedResults.Created($"/api/receipts/{made.Id}", ReceiptView.Of(made))
                    : TypedResults.Ok(ReceiptView.Of(receipt));
            })
            .WithName("SetReceiptAddressee").WithSummary("Set a receipt's addressee").ProducesProblems(400, 401, 404)
            .WithBodyExample("""{"addressee": "医療法人 さくら会"}""")
            .WithDescription("The payer: the name the receipt is made out to (宛名: your own, a clinic's or a company's; one line, at most 100 characters). "
                + "Before the receipt's first download it changes in place (200); after it, a new receipt marked as a reissue of this one is issued with a new number (201) and this one stays as it was. Anyone else gets 404 `receipt.not_found`.");
    }

    /// <summary>Who asks for a receipt's PDF: only the payer's first download fixes it.</summary>
    public enum Reader { Stranger, Payer, Admin }

    /// <summary>
    /// The receipt's PDF (404 to a stranger). The payer's first download makes it and stores it with its SHA-256, the
    /// same bytes ever after, and fixes the addressee; locked, as the addressee change is. An admin looking before
    /// that gets the PDF as it would be made, and nothing is fixed: the payer may still name a clinic or a company.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PdfAsync(Guid id, Func<Receipt, Reader> readerOf, AppDbContext db, ReceiptPdf pdf,
        TimeProvider time, HttpContext http, ILogger log, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var receipt = await db.Receipts.FromSql($"SELECT * FROM receipts WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (receipt is null) return NotFound.ToProblem();
        var reader = readerOf(receipt);
        if (reader == Reader.Stranger) return NotFound.ToProblem();
        var document = await db.ReceiptDocuments.AsNoTracking().SingleOrDefaultAsync(d => d.ReceiptId == id, ct);
        if (document is null)
        {
            var original = receipt.ReissueOf is { } of ? (await db.Receipts.AsNoTracking().SingleAsync(r => r.Id == of, ct)).Number.ToString() : null;
            byte[] bytes;
            try
            {
                bytes = pdf.Render(receipt, original);
            }
            catch (IOException exception)
            {
                log.LogError(exception, "The receipt font could not be read (Receipts:FontPath); no receipt PDF can be made.");
                return PdfUnavailable.ToProblem();
            }
            document = ReceiptDocument.Of(id, bytes, now);
            if (reader == Reader.Payer)
            {
                db.ReceiptDocuments.Add(document);
                receipt.MarkDownloaded(now);
                await db.SaveChangesAsync(ct);
            }
        }
        await transaction.CommitAsync(ct);
        http.Response.Headers.ETag = $"\"{document.Sha256}\"";
        http.Response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(Convert.FromHexString(document.Sha256))}:";
        http.Response.Headers.CacheControl = "private, no-cache";
        return TypedResults.File(document.Pdf, "application/pdf", $"receipt-{receipt.Number}.pdf");
    }

    private static readonly Error NotFound = new("receipt.not_found", "No receipt of yours has this id.", ErrorKind.NotFound);

    private static readonly Error PdfUnavailable = new("receipt.pdf_unavailable",
        "The receipt's PDF cannot be made right now (the server lacks its font). The receipt itself is safe: try again later.", ErrorKind.Unavailable);
}
