using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Assemble.Infrastructure.Persistence;

/// <summary>
/// Counts the writes this process has committed, so that what it keeps in memory (sold-out readings, listing pages)
/// can tell whether anything may have changed since it was read: take <see cref="Now"/> before reading, and the
/// reading holds only while <see cref="Now"/> has not moved. It moves after the commit, never before, so a read that
/// starts after a write returns sees it. EF Core writes move it through <see cref="Watcher"/>; the raw Npgsql writes
/// of the seat path (<see cref="RegistrationLedger"/>, <see cref="RegistrationDesk"/>) move it themselves.
/// Another process's writes are not seen here: whatever keeps readings also bounds how long it keeps them.
/// </summary>
public sealed class CommitClock
{
    private long writes;
    private long transactions;

    /// <summary>Moves with every committed write.</summary>
    public long Now => Interlocked.Read(ref writes);

    /// <summary>
    /// Moves only when an EF Core transaction commits: every path that frees a seat (cancellation, removal, expiry,
    /// a raised capacity, payment settlement) commits one under the event's row lock, while the writes made outside a
    /// transaction (idempotency records, a seat taken on the one-statement path) never free one.
    /// </summary>
    public long Transactions => Interlocked.Read(ref transactions);

    /// <summary>Something was committed outside an EF Core transaction.</summary>
    public void Tick() => Interlocked.Increment(ref writes);

    private void TransactionCommitted()
    {
        Interlocked.Increment(ref transactions);
        Interlocked.Increment(ref writes);
    }

    /// <summary>
    /// Every EF Core write of this process, once committed: a committed transaction, a SaveChanges or a bulk
    /// statement (ExecuteSql, ExecuteUpdate, ExecuteDelete) outside one — EF runs a single-statement SaveChanges
    /// without a transaction of its own.
    /// </summary>
    public sealed class Watcher(CommitClock clock) : IDbTransactionInterceptor, ISaveChangesInterceptor, IDbCommandInterceptor
    {
        public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => clock.TransactionCommitted();

        public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            clock.TransactionCommitted();
            return Task.CompletedTask;
        }

        public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
        {
            if (OutsideTransaction(eventData.Context)) clock.Tick();
            return result;
        }

        public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            if (OutsideTransaction(eventData.Context)) clock.Tick();
            return ValueTask.FromResult(result);
        }

        public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
        {
            if (command.Transaction is null) clock.Tick();
            return result;
        }

        public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            if (command.Transaction is null) clock.Tick();
            return ValueTask.FromResult(result);
        }

        private static bool OutsideTransaction(DbContext? context) => context?.Database.CurrentTransaction is null;
    }
}
