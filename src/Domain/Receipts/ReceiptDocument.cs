using System.Security.Cryptography;

namespace Assemble.Domain.Receipts;

/// <summary>
/// A receipt's PDF as first delivered, with its SHA-256. Made once, when the receipt is first downloaded (until then
/// the payer may still change the addressee), and never changed after: PostgreSQL refuses an update or a delete.
/// </summary>
public sealed class ReceiptDocument
{
    private ReceiptDocument() { }

    public Guid ReceiptId { get; private set; }
    public byte[] Pdf { get; private set; } = [];

    /// <summary>Lower-case hex.</summary>
    public string Sha256 { get; private set; } = "";

    public DateTimeOffset RenderedAt { get; private set; }

    public static ReceiptDocument Of(Guid receiptId, byte[] pdf, DateTimeOffset now)
        => new() { ReceiptId = receiptId, Pdf = pdf, Sha256 = Convert.ToHexStringLower(SHA256.HashData(pdf)), RenderedAt = now };
}
