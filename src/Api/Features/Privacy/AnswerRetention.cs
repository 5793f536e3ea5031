using Assemble.Domain.Auditing;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Privacy;

/// <summary>
/// Answers to an event's questions can be health-adjacent ("anything we should know to support you?"): organizers
/// need them around the event, nobody needs them for ever. Once an event ended more than
/// <see cref="PrivacyOptions.AnswerRetentionDays"/> ago, its registrations' and waitlist places' answers are deleted;
/// the registrations themselves stay. Batched, each batch in its own short transaction; safe to re-run.
/// </summary>
public static class AnswerRetention
{
    public const int BatchSize = 500;

    public sealed record Report(int Registrations, int WaitlistPlaces);

    public static async Task<Report> RunOnceAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var days = scope.ServiceProvider.GetRequiredService<IOptions<PrivacyOptions>>().Value.AnswerRetentionDays;
        var endedBefore = now.AddDays(-days);

        var registrations = await ForgetInBatchesAsync(db,
            () => db.Database.SqlQuery<Guid>($"""
                SELECT r.id AS "Value" FROM registrations r JOIN events e ON e.id = r.event_id
                WHERE e.ends_at < {endedBefore} AND r.answers <> '[]'::jsonb
                ORDER BY r.id LIMIT {BatchSize} FOR UPDATE OF r SKIP LOCKED
                """),
            ids => db.Registrations.Where(r => ids.Contains(r.Id)).ToListAsync(cancellationToken), r => r.ForgetAnswers(), cancellationToken);
        var places = await ForgetInBatchesAsync(db,
            () => db.Database.SqlQuery<Guid>($"""
                SELECT w.id AS "Value" FROM waitlist_entries w JOIN events e ON e.id = w.event_id
                WHERE e.ends_at < {endedBefore} AND w.answers <> '[]'::jsonb
                ORDER BY w.id LIMIT {BatchSize} FOR UPDATE OF w SKIP LOCKED
                """),
            ids => db.WaitlistEntries.Where(w => ids.Contains(w.Id)).ToListAsync(cancellationToken), w => w.ForgetAnswers(), cancellationToken);

        if (registrations + places > 0)
        {
            db.AuditEntries.Add(new AuditEntry(null, "registrations.answers_deleted", "registration", null, now,
                $"registrations={registrations};waitlist={places};retention_days={days}"));
            await db.SaveChangesAsync(cancellationToken);
        }
        return new Report(registrations, places);
    }

    /// <summary>Claims rows in batches (SKIP LOCKED, so instances share the work), forgets their answers, commits each batch. Returns how many had answers.</summary>
    private static async Task<int> ForgetInBatchesAsync<T>(AppDbContext db, Func<IQueryable<Guid>> claim, Func<List<Guid>, Task<List<T>>> load, Func<T, bool> forget,
        CancellationToken cancellationToken)
    {
        var forgotten = 0;
        while (true)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var ids = await claim().ToListAsync(cancellationToken);
            if (ids.Count == 0) return forgotten;
            foreach (var row in await load(ids))
                if (forget(row)) forgotten++;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
    }
}
