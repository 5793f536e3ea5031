using Assemble.Domain.Common;

namespace Assemble.Domain.Receipts;

public enum ReceiptKind
{
    /// <summary>A payment received: a qualified invoice (適格請求書) when the issuer is registered, else a plain receipt (領収書).</summary>
    Sale,

    /// <summary>Money given back: a return invoice (適格返還請求書).</summary>
    Return,
}

/// <summary>A receipt's number: gapless per issuer and year, printed as <c>2027-000123</c>.</summary>
public sealed record ReceiptNumber(int Year, int Sequence)
{
    public override string ToString() => $"{Year}-{Sequence:D6}";
}

/// <summary>The issuer as printed on a receipt, kept with it: a later change of name or address does not rewrite what was issued.</summary>
public sealed record ReceiptIssuer(string Name, string Address, string? RegistrationNumber);

/// <summary>One thing paid for (or given back), tax included.</summary>
public sealed record ReceiptItem(string Description, int AmountYen, TaxCategory Category);

/// <summary>
/// A receipt as issued. It never changes but for the moment it is first downloaded and for the addressee until then;
/// a new addressee after that is a new receipt marked as a reissue (再発行) of this one, which stays as it was.
/// </summary>
public sealed class Receipt
{
    public const int MaxAddresseeLength = 100;

    /// <summary>A receipt addressed to nobody in particular, as 領収書 are (上様) when the payer gave no name.</summary>
    public const string UnnamedAddressee = "上様";

    private Receipt() { }

    public Guid Id { get; private set; }

    /// <summary>The year of <see cref="Number"/>: numbers run gapless within a year.</summary>
    public int Year { get; private set; }

    public int Sequence { get; private set; }
    public ReceiptNumber Number => new(Year, Sequence);
    public ReceiptKind Kind { get; private set; }
    public Guid PayerId { get; private set; }

    /// <summary>The payment this receipt is for (a ticket, dues, a recorded bank transfer); one sale receipt each.</summary>
    public Guid PaymentId { get; private set; }

    /// <summary>For a return invoice, the refund it states; one each.</summary>
    public Guid? RefundId { get; private set; }

    public ReceiptIssuer Issuer { get; private set; } = null!;
    public string Addressee { get; private set; } = "";

    /// <summary>The day of the sale, or of the refund for a return invoice (in Japan).</summary>
    public DateOnly TransactionOn { get; private set; }

    /// <summary>For a return invoice, the day of the sale it gives money back on.</summary>
    public DateOnly? OriginalSaleOn { get; private set; }

    public List<ReceiptItem> Items { get; private set; } = [];
    public List<TaxLine> Taxes { get; private set; } = [];
    /// <summary>The items' sum, tax included; stored so that the treasurer's archive can search by amount.</summary>
    public int TotalYen { get; private set; }

    /// <summary>The receipt this one reissues with a new addressee.</summary>
    public Guid? ReissueOf { get; private set; }

    public DateTimeOffset IssuedAt { get; private set; }
    public DateTimeOffset? FirstDownloadedAt { get; private set; }

    /// <summary>Carries the issuer's registration number, and so every item a qualified invoice must.</summary>
    public bool IsQualified => Issuer.RegistrationNumber is not null;

    public static readonly Error AddresseeInvalid = Error.Validation("receipt.addressee_invalid",
        new Dictionary<string, string[]> { ["addressee"] = [$"One line of 1 to {MaxAddresseeLength} characters."] });

    public static Receipt Issue(Guid id, ReceiptNumber number, ReceiptKind kind, Guid payerId, Guid paymentId, ReceiptIssuer issuer, string addressee,
        DateOnly transactionOn, DateOnly? originalSaleOn, IReadOnlyList<ReceiptItem> items, DateTimeOffset now, Guid? refundId = null)
    {
        if (items.Count == 0) throw new ArgumentException("A receipt lists what was paid for.", nameof(items));
        if (kind == ReceiptKind.Return && (originalSaleOn is null || refundId is null))
            throw new ArgumentException("A return invoice names the day of the sale and its refund.", nameof(originalSaleOn));
        return new Receipt
        {
            Id = id, Year = number.Year, Sequence = number.Sequence, Kind = kind, PayerId = payerId, PaymentId = paymentId, Issuer = issuer,
            Addressee = Clean(addressee) ?? throw new ArgumentException("An addressee is one line of 1 to 100 characters.", nameof(addressee)),
            TransactionOn = transactionOn, OriginalSaleOn = originalSaleOn, RefundId = refundId, Items = [.. items],
            Taxes = [.. TaxRates.Summarize(items.Select(i => (i.Category, i.AmountYen)))], TotalYen = items.Sum(i => i.AmountYen), IssuedAt = now,
        };
    }

    public void MarkDownloaded(DateTimeOffset now) => FirstDownloadedAt ??= now;

    /// <summary>
    /// A new addressee (宛名: a clinic's or company's name). Before the first download the receipt takes it; after,
    /// it stays as it was and the reissue (under <paramref name="next"/>) carries it.
    /// </summary>
    public Result<Receipt?> ChangeAddressee(string? addressee, Guid newId, Func<ReceiptNumber> next, DateTimeOffset now)
    {
        if (Clean(addressee) is not { } clean) return AddresseeInvalid;
        if (clean == Addressee) return (Receipt?)null;
        if (FirstDownloadedAt is null)
        {
            Addressee = clean;
            return (Receipt?)null;
        }
        var reissue = Issue(newId, next(), Kind, PayerId, PaymentId, Issuer, clean, TransactionOn, OriginalSaleOn, Items, now, RefundId);
        reissue.ReissueOf = Id;
        return reissue;
    }

    /// <summary>
    /// Whether a refund needs a return invoice: not below the threshold (a return under ¥10,000 including tax needs
    /// none, 消費税法第57条の4第3項 and 施行令第70条の9第3項; the threshold is configurable).
    /// </summary>
    public static bool ReturnInvoiceRequired(int refundYen, int thresholdYen) => refundYen >= thresholdYen;

    private static string? Clean(string? text)
    {
        var trimmed = text?.Normalize(System.Text.NormalizationForm.FormC).Trim();
        return trimmed is { Length: > 0 and <= MaxAddresseeLength } && SingleLineText.IsSingleLine(trimmed) ? trimmed : null;
    }
}
