using Assemble.Api.Common;
using Assemble.Api.Common.OpenApi;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Persistence;
using Assemble.Infrastructure.Receipts;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Assemble.Api.Features.Receipts;

/// <summary>
/// The link a receipt is mailed as when its payment settles: signed (Data Protection, time-limited), so that it opens
/// the PDF from the payer's mailbox without signing in. After <see cref="Lifetime"/> the payer has
/// <c>GET /api/receipts/{id}.pdf</c> for as long as receipts are kept.
/// </summary>
public static class ReceiptLinks
{
    private const string Purpose = "Assemble.Receipts.Download.v1";
    private const string Route = "/receipts/download";

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    public static string For(IDataProtectionProvider protection, PublicLinks links, Guid receiptId)
        => links.To($"{Route}?token={Uri.EscapeDataString(Protector(protection).Protect(receiptId.ToString("N"), Lifetime))}");

    private static ITimeLimitedDataProtector Protector(IDataProtectionProvider protection) => protection.CreateProtector(Purpose).ToTimeLimitedDataProtector();

    public static void MapReceiptLinks(this IEndpointRouteBuilder app)
        => app.MapGet(Route, (string? token, IDataProtectionProvider protection, AppDbContext db, ReceiptPdf pdf, TimeProvider time, HttpContext http,
                    ILogger<ReceiptPdf> log, CancellationToken ct) =>
                {
                    Guid? id = null;
                    try
                    {
                        if (!string.IsNullOrEmpty(token) && Guid.TryParseExact(Protector(protection).Unprotect(token), "N", out var parsed)) id = parsed;
                    }
                    catch (System.Security.Cryptography.CryptographicException)
                    {
                        // Forged, altered or expired: the same 404 as an unknown receipt.
                    }
                    return Receipts.PdfAsync(id ?? Guid.Empty, _ => id is not null, db, pdf, time, http, log, ct);
                })
            .AllowAnonymous().WithTags("Membership").WithName("DownloadReceiptByLink").WithSummary("Download a receipt from its mailed link")
            .ProducesBinary("application/pdf").ProducesProblems(404, 503)
            .WithDescription("Anyone holding the signed link mailed to the payer when the payment settled (valid 30 days): the receipt's PDF, as `GET /api/receipts/{id}.pdf` gives it. "
                + "A forged, altered or expired token is 404 `receipt.not_found`.");
}
