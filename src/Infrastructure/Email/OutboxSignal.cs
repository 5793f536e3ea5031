using System.Data.Common;
using System.Runtime.CompilerServices;
using Assemble.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Assemble.Infrastructure.Email;

/// <summary>
/// A flag with a waiter: any number of raises between two waits count as one, so a rush of registrations wakes the
/// dispatcher once, not once each.
/// </summary>
public sealed class OutboxSignal : IOutboxSignal
{
    private readonly SemaphoreSlim wake = new(0, 1);
    private int raised;

    public void Raise()
    {
        if (Interlocked.Exchange(ref raised, 1) == 0) wake.Release();
    }

    /// <summary>
    /// Returns once raised, and lowers the flag: whatever the caller starts next sees every commit that raised it
    /// so far, and a raise from now on wakes the next wait.
    /// </summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await wake.WaitAsync(cancellationToken);
        Volatile.Write(ref raised, 0);
    }

    /// <summary>
    /// Raises the signal after an EF Core save that leaves mail due now (a new mail, one an admin sent again, or a
    /// notification record to turn into mail) —
    /// at once outside a transaction, at the commit inside one: a dispatcher woken earlier would not see the rows.
    /// </summary>
    public sealed class Watcher(IOutboxSignal signal, TimeProvider time) : ISaveChangesInterceptor, IDbTransactionInterceptor
    {
        private readonly ConditionalWeakTable<DbTransaction, object> withMail = [];

        public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
        {
            Saved(eventData.Context);
            return result;
        }

        public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            Saved(eventData.Context);
            return ValueTask.FromResult(result);
        }

        public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(transaction);

        public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Committed(transaction);
            return Task.CompletedTask;
        }

        private void Committed(DbTransaction transaction)
        {
            if (withMail.Remove(transaction)) signal.Raise();
        }

        private void Saved(DbContext? context)
        {
            if (context is null || !HasDueMail(context)) return;
            if (context.Database.CurrentTransaction is { } transaction) withMail.AddOrUpdate(transaction.GetDbTransaction(), true);
            else signal.Raise();
        }

        /// <summary>Looks at the tracked rows without detecting changes in every entity again (SaveChanges just did).</summary>
        private bool HasDueMail(DbContext context)
        {
            var detect = context.ChangeTracker.AutoDetectChangesEnabled;
            context.ChangeTracker.AutoDetectChangesEnabled = false;
            try
            {
                var now = time.GetUtcNow();
                return context.ChangeTracker.Entries<OutboxEmail>().Any(e => e.Entity.Status == OutboxEmailStatus.Pending && e.Entity.NextAttemptAt <= now)
                    || context.ChangeTracker.Entries<Persistence.Notifications.NotificationRecord>().Any(e => e.Entity.ProcessedAt == null);
            }
            finally
            {
                context.ChangeTracker.AutoDetectChangesEnabled = detect;
            }
        }
    }
}
