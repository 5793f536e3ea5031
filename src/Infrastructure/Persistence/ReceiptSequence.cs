using Microsoft.EntityFrameworkCore;

namespace Assemble.Infrastructure.Persistence;

/// <summary>
/// The last receipt number given in a year. Numbers are gapless: the next one is taken by an upsert in the
/// transaction that issues the receipt, whose row lock holds until that transaction ends, so concurrent payments
/// queue for the number, and a transaction that rolls back gives its number back.
/// </summary>
public sealed class ReceiptSequence
{
    public int Year { get; private set; }
    public int Last { get; private set; }

    /// <summary>The next number of <paramref name="year"/>, inside the caller's transaction.</summary>
    public static async Task<int> NextAsync(AppDbContext db, int year, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("A receipt number is taken inside the transaction that issues the receipt.");
        var numbers = await db.Database.SqlQuery<int>($"""
            INSERT INTO receipt_sequences (year, last) VALUES ({year}, 1)
            ON CONFLICT (year) DO UPDATE SET last = receipt_sequences.last + 1
            RETURNING last AS "Value"
            """).ToListAsync(cancellationToken);
        return numbers.Single();
    }
}
