using System.Globalization;
using Assemble.Domain.Receipts;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Assemble.Infrastructure.Receipts;

/// <summary>
/// Sets a receipt on one A4 page, with every item a qualified invoice (適格請求書, 消費税法第57条の4第1項) or a return
/// invoice (適格返還請求書, 同第3項) must carry: the issuer and its registration number, the day of the transaction
/// (and of the sale a refund returns), what was bought, the amount and the tax per rate, and the addressee. A plain
/// receipt is the same without the number. The text is embedded with a Unicode map, so it can be searched and read back.
/// </summary>
public sealed class ReceiptPdf(string fontPath)
{
    private static readonly CultureInfo Japanese = CultureInfo.GetCultureInfo("ja-JP");
    private const double Margin = 56, Width = 595, Height = 842; // A4 in points

    public static string TitleOf(Receipt r) => (r.Kind, r.IsQualified) switch
    {
        (ReceiptKind.Sale, true) => "領収書（適格請求書）",
        (ReceiptKind.Sale, false) => "領収書",
        (ReceiptKind.Return, true) => "適格返還請求書",
        _ => "返還明細書",
    };

    /// <summary>The PDF. Throws <see cref="IOException"/> when the font file cannot be read.</summary>
    public byte[] Render(Receipt r, string? reissueOfNumber)
    {
        // The font is loaded once per process; a file gone since is still a server that cannot make receipts.
        if (!File.Exists(fontPath)) throw new FileNotFoundException("The receipt font is missing.", fontPath);
        ReceiptFontResolver.Use(fontPath);
        using var document = new PdfDocument();
        document.Info.Title = $"{TitleOf(r)} {r.Number}";
        document.Info.Author = r.Issuer.Name;
        document.Info.CreationDate = r.IssuedAt.UtcDateTime;
        var page = document.AddPage();
        page.Width = XUnit.FromPoint(Width);
        page.Height = XUnit.FromPoint(Height);
        using (var g = XGraphics.FromPdfPage(page))
        {
            var options = new XPdfFontOptions(PdfFontEncoding.Unicode);
            XFont Font(double size) => new(ReceiptFontResolver.FaceName, size, XFontStyleEx.Regular, options);
            var (title, large, body, small) = (Font(20), Font(14), Font(10.5), Font(9));
            var y = Margin;

            void Line(string text, XFont font, double x = Margin, double gap = 18)
            {
                g.DrawString(text, font, XBrushes.Black, new XPoint(x, y));
                y += gap;
            }

            void Right(string text, XFont font, double right)
            {
                var size = g.MeasureString(text, font);
                g.DrawString(text, font, XBrushes.Black, new XPoint(right - size.Width, y));
            }

            Line(TitleOf(r) + (r.ReissueOf is null ? "" : "（再発行）"), title, gap: 30);
            Line($"No. {r.Number}", body);
            Line($"発行日: {Day(Domain.Memberships.MembershipPayment.DayInJapan(r.IssuedAt))}", body);
            if (reissueOfNumber is not null) Line($"再発行（原本 No. {reissueOfNumber}。宛名の変更による）", body);
            y += 12;
            Line(r.Addressee == Receipt.UnnamedAddressee ? r.Addressee : $"{r.Addressee} 様", large, gap: 28);
            Line($"{(r.Kind == ReceiptKind.Return ? "返還額" : "金額")}  {Yen(r.TotalYen)}（税込）", large, gap: 28);
            if (r.Kind == ReceiptKind.Return)
            {
                Line($"返還年月日: {Day(r.TransactionOn)}", body);
                Line($"元の取引年月日: {Day(r.OriginalSaleOn!.Value)}", body);
            }
            else
            {
                Line($"取引年月日: {Day(r.TransactionOn)}", body);
                Line("上記の金額を正に領収いたしました。", body);
            }
            y += 14;

            Line("内容", small, gap: 0);
            Right("税率", small, Width - Margin - 110);
            Right("金額（税込）", small, Width - Margin);
            y += 6;
            g.DrawLine(XPens.Black, Margin, y, Width - Margin, y);
            y += 16;
            foreach (var item in r.Items)
            {
                Line(item.Description, body, gap: 0);
                Right(RateOf(item.Category), body, Width - Margin - 110);
                Right(Yen(item.AmountYen), body, Width - Margin);
                y += 20;
            }
            g.DrawLine(XPens.Black, Margin, y - 12, Width - Margin, y - 12);
            y += 6;
            foreach (var tax in r.Taxes)
            {
                var text = tax.RatePercent > 0
                    ? $"{RateOf(tax.Category)}対象 {Yen(tax.AmountYen)}（うち消費税 {Yen(tax.TaxYen)}）"
                    : $"{RateOf(tax.Category)} {Yen(tax.AmountYen)}";
                Line(text, body);
            }
            Line($"合計 {Yen(r.TotalYen)}", body);

            y = Height - Margin - 90;
            g.DrawLine(XPens.Gray, Margin, y - 16, Width - Margin, y - 16);
            Line(r.Issuer.Name, body);
            if (!string.IsNullOrWhiteSpace(r.Issuer.Address)) Line(r.Issuer.Address, small, gap: 16);
            Line(r.Issuer.RegistrationNumber is { } number ? $"登録番号: {number}" : "（適格請求書発行事業者の登録はありません）", small, gap: 16);
            Line("電子的に交付した書面のため、収入印紙の貼付はありません。", small);
        }
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    private static string Yen(int amount) => "¥" + amount.ToString("N0", Japanese);

    private static string Day(DateOnly day) => $"{day.Year}年{day.Month}月{day.Day}日";

    private static string RateOf(TaxCategory category) => category switch
    {
        TaxCategory.Standard => $"{TaxRates.PercentOf(category)}%",
        TaxCategory.Reduced => $"{TaxRates.PercentOf(category)}%（軽減税率）",
        TaxCategory.Exempt => "非課税",
        _ => "不課税",
    };
}
