namespace Assemble.Domain.Receipts;

/// <summary>How consumption tax applies to what a receipt lists; prices are whole yen, tax included (税込).</summary>
public enum TaxCategory
{
    /// <summary>標準税率 10 %.</summary>
    Standard,

    /// <summary>軽減税率 8 % (food and drink taken away, newspapers: not what the association sells, but a rate of the law).</summary>
    Reduced,

    /// <summary>非課税: exempt by law.</summary>
    Exempt,

    /// <summary>不課税: outside the tax altogether (dues that buy no service in return, as many associations treat them).</summary>
    OutOfScope,
}

/// <summary>The tax of one category on a receipt: the amount and the tax in it, rounded once per receipt and rate.</summary>
public sealed record TaxLine(TaxCategory Category, int AmountYen, int TaxYen)
{
    /// <summary>The rate in percent; 0 for exempt and out-of-scope amounts.</summary>
    public int RatePercent => TaxRates.PercentOf(Category);
}

/// <summary>
/// A qualified invoice states, per tax rate, the amount and the consumption tax, rounded once per invoice and rate
/// (消費税法施行令第70条の10: 端数処理は一の適格請求書につき税率ごとに1回). Prices here include the tax, so the tax in
/// an amount is amount × rate / (100 + rate), rounded down (切り捨て), the method this association chose.
/// </summary>
public static class TaxRates
{
    public static int PercentOf(TaxCategory category) => category switch
    {
        TaxCategory.Standard => 10,
        TaxCategory.Reduced => 8,
        _ => 0,
    };

    /// <summary>The lines of a receipt summed per category (in the order of <see cref="TaxCategory"/>), each category's tax rounded once.</summary>
    public static IReadOnlyList<TaxLine> Summarize(IEnumerable<(TaxCategory Category, int AmountYen)> items)
        => items.GroupBy(i => i.Category).OrderBy(g => g.Key)
            .Select(g =>
            {
                var amount = g.Sum(i => i.AmountYen);
                var rate = PercentOf(g.Key);
                return new TaxLine(g.Key, amount, (int)((long)amount * rate / (100 + rate)));
            })
            .ToList();
}
