using Assemble.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Assemble.Infrastructure.Persistence.Notifications;

/// <summary>
/// The one writer of domain events on the EF Core paths: what the tracked aggregates raised becomes notification
/// records in the same SaveChanges (so the same transaction) as the change. Nothing is rendered here; mail is made
/// after the commit. The raw seat path takes its records with <see cref="NotificationRecord.TakeFrom"/> too.
/// </summary>
public sealed class DomainEventRecorder : SaveChangesInterceptor
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Record(eventData.Context);
        return result;
    }

    private static void Record(DbContext? db)
    {
        if (db is null) return;
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var raisers = db.ChangeTracker.Entries<AggregateRoot>().Where(x => x.Entity.DomainEvents.Count > 0).Select(x => x.Entity).ToList();
            foreach (var aggregate in raisers) db.AddRange(NotificationRecord.TakeFrom(aggregate));
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }
}
