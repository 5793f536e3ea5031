using Assemble.Api.Common;
using static Assemble.Api.Common.HtmlPages;
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
        => links.To($"{Route}?token={Uri.EscapeDataString(SignedIds.Sign(protection, Purpose, receiptId, Lifetime))}");

    /// <summary>The lines of a mail that hand over the receipt: the link, and how long it works.</summary>
    public static string MailLines(Domain.Members.PreferredLanguage language, string link)
        => language == Domain.Members.PreferredLanguage.Ja
            ? $"領収書（PDF）: {link}\n（{Lifetime.Days}日間有効です。その後もマイページからいつでもお受け取りいただけます。）"
            : $"Your receipt (PDF): {link}\n(The link works for {Lifetime.Days} days; the receipt stays on your account page.)";


    /// <summary>The receipt a token names; null when forged, altered or expired (the same 404 as an unknown receipt).</summary>
    private static Guid? ReceiptOf(IDataProtectionProvider protection, string? token) => SignedIds.Read(protection, Purpose, token);

    public static void MapReceiptLinks(this IEndpointRouteBuilder app)
    {
        // A GET changes nothing (mail scanners open links): it shows one button, and the POST hands the PDF over as the
        // payer's download, which fixes it (Receipts.PdfAsync).
        app.MapGet(Route, (string? token, IDataProtectionProvider protection, PublicLinks links) =>
                ReceiptOf(protection, token) is null
                    ? Page("見つかりません", "Not found", "<p>このリンクは無効か、期限が切れています。Assemble にログインして、マイページから領収書をお受け取りください。<br>"
                        + "This link is not valid or has expired. Sign in to Assemble to get the receipt from your account.</p>", 404)
                    : Page("領収書", "Receipt", $"""
                        <p>領収書（PDF）をダウンロードします。<br>Download your receipt (PDF).</p>
                        <form method="post" action="{System.Net.WebUtility.HtmlEncode(links.To($"{Route}?token={Uri.EscapeDataString(token!)}"))}"><button type="submit">ダウンロード / Download</button></form>
                        <p>宛名を変更したい場合は、ダウンロードの前にマイページから変更してください。<br>To change the name it is made out to, do so from your account before downloading.</p>
                        """))
            .AllowAnonymous().WithTags("Membership").WithName("ShowReceiptDownloadPage").WithSummary("Show the page of a mailed receipt link")
            .ProducesText("text/html").ProducesText("text/html", 404)
            .WithDescription("The signed link mailed to the payer when the payment settled (valid 30 days) opens this page: one button that downloads the receipt. A GET changes nothing.");

        app.MapPost(Route, (string? token, IDataProtectionProvider protection, AppDbContext db, ReceiptPdf pdf, TimeProvider time, HttpContext http,
                    ILogger<ReceiptPdf> log, CancellationToken ct) =>
                {
                    var id = ReceiptOf(protection, token);
                    return Receipts.PdfAsync(id ?? Guid.Empty, _ => id is null ? Receipts.Reader.Stranger : Receipts.Reader.Payer, db, pdf, time, http, log, ct);
                })
            .AllowAnonymous().DisableAntiforgery().WithTags("Membership").WithName("DownloadReceiptByLink").WithSummary("Download a receipt from its mailed link")
            .ProducesBinary("application/pdf").ProducesProblems(404, 503)
            .WithDescription("The button of the mailed link's page: the receipt's PDF, as the payer's download (`GET /api/receipts/{id}.pdf` gives the same bytes). "
                + "A forged, altered or expired token is 404 `receipt.not_found`.");
    }
}
