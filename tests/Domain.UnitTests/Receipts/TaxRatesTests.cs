using Assemble.Domain.Receipts;
using Xunit;

namespace Assemble.Domain.UnitTests.Receipts;

public sealed class TaxRatesTests
{
    [Fact]
    public void A_3300_yen_ticket_at_ten_percent_holds_300_yen_of_tax()
        => Assert.Equal([new TaxLine(TaxCategory.Standard, 3_300, 300)], TaxRates.Summarize([(TaxCategory.Standard, 3_300)]));

    [Fact]
    public void The_tax_is_rounded_down_once_per_rate_not_per_line()
    {
        // Three ¥1,005 lines: rounded per line the tax would be 91 × 3 = 273; on their sum (¥3,015 → 274.09…) it is 274.
        Assert.Equal(274, TaxRates.Summarize([(TaxCategory.Standard, 1_005), (TaxCategory.Standard, 1_005), (TaxCategory.Standard, 1_005)]).Single().TaxYen);
    }

    [Fact]
    public void Each_category_is_summed_apart_and_exempt_or_out_of_scope_amounts_carry_no_tax()
    {
        var lines = TaxRates.Summarize([(TaxCategory.OutOfScope, 8_000), (TaxCategory.Standard, 3_300), (TaxCategory.Reduced, 1_080), (TaxCategory.Standard, 1_100)]);
        Assert.Equal(
            [new TaxLine(TaxCategory.Standard, 4_400, 400), new TaxLine(TaxCategory.Reduced, 1_080, 80), new TaxLine(TaxCategory.OutOfScope, 8_000, 0)],
            lines);
        Assert.Equal([10, 8, 0], lines.Select(l => l.RatePercent));
    }
}
