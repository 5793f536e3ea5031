using Assemble.Domain.Receipts;
using Xunit;

namespace Assemble.Domain.UnitTests.Receipts;

public sealed class ReceiptTests
{
    private static readonly ReceiptIssuer Registered = new("一般社団法人 対人支援職協会", "東京都千代田区神田1-1-1", "T7010705000725");
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    private static Receipt Ticket(ReceiptIssuer? issuer = null) => Receipt.Issue(Guid.NewGuid(), new ReceiptNumber(2026, 123), ReceiptKind.Sale, Guid.NewGuid(), Guid.NewGuid(),
        issuer ?? Registered, "山田 花子", new DateOnly(2026, 12, 3), null, [new ReceiptItem("相談記録の書き方 勉強会 / 一般", 3_300, TaxCategory.Standard)], Now);

    [Fact]
    public void A_receipt_states_its_number_total_and_tax_per_rate_and_is_qualified_only_with_a_registration_number()
    {
        var receipt = Ticket();
        Assert.Equal("2026-000123", receipt.Number.ToString());
        Assert.Equal(3_300, receipt.TotalYen);
        Assert.Equal([new TaxLine(TaxCategory.Standard, 3_300, 300)], receipt.Taxes);
        Assert.True(receipt.IsQualified);
        Assert.False(Ticket(Registered with { RegistrationNumber = null }).IsQualified);
    }

    [Fact]
    public void The_addressee_changes_in_place_until_the_first_download_and_after_it_through_a_reissue()
    {
        var receipt = Ticket();
        Assert.Null(receipt.ChangeAddressee(" 医療法人 さくら会 ", Guid.NewGuid(), () => throw new InvalidOperationException("no number before a download"), Now).Value);
        Assert.Equal("医療法人 さくら会", receipt.Addressee);

        receipt.MarkDownloaded(Now);
        receipt.MarkDownloaded(Now.AddHours(1));
        Assert.Equal(Now, receipt.FirstDownloadedAt);
        var reissue = receipt.ChangeAddressee("株式会社 みらい", Guid.NewGuid(), () => new ReceiptNumber(2026, 124), Now.AddDays(1)).Value!;
        Assert.Equal("医療法人 さくら会", receipt.Addressee);
        Assert.Equal(("株式会社 みらい", receipt.Id, "2026-000124"), (reissue.Addressee, reissue.ReissueOf, reissue.Number.ToString()));
        Assert.Equal((receipt.PaymentId, receipt.TransactionOn, receipt.TotalYen), (reissue.PaymentId, reissue.TransactionOn, reissue.TotalYen));
        Assert.Null(reissue.FirstDownloadedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("医療法人\nさくら会")]
    public void A_blank_multi_line_or_long_addressee_is_refused(string addressee)
        => Assert.Equal("receipt.addressee_invalid", Ticket().ChangeAddressee(addressee, Guid.NewGuid(), () => new ReceiptNumber(2026, 1), Now).Error!.Code);

    [Fact]
    public void An_addressee_of_101_characters_is_refused()
        => Assert.Equal("receipt.addressee_invalid", Ticket().ChangeAddressee(new string('あ', 101), Guid.NewGuid(), () => new ReceiptNumber(2026, 1), Now).Error!.Code);

    [Theory]
    [InlineData(9_999, false)]
    [InlineData(10_000, true)]
    [InlineData(33_000, true)]
    public void A_refund_under_the_threshold_needs_no_return_invoice(int refund, bool required)
        => Assert.Equal(required, Receipt.ReturnInvoiceRequired(refund, 10_000));

    [Fact]
    public void A_return_invoice_names_the_day_of_the_sale()
        => Assert.Throws<ArgumentException>(() => Receipt.Issue(Guid.NewGuid(), new ReceiptNumber(2026, 2), ReceiptKind.Return, Guid.NewGuid(), Guid.NewGuid(), Registered,
            "山田 花子", new DateOnly(2026, 12, 5), null, [new ReceiptItem("返金", 3_300, TaxCategory.Standard)], Now));
}
