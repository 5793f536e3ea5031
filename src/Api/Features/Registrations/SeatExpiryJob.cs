using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Registrations;

public sealed class SeatExpiryOptions
{
    public const string Section = "Jobs:SeatExpiry";

    /// <summary>How often due holds and offers are looked for; a hold ends within this long of its expiry.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(20);

}

/// <summary>
/// Releases expired payment holds and waitlist offers, and passes each freed seat to the next in line. Safe on
/// any number of API instances: each event is handled under its row lock and every transition checks the state.
/// Hangfire runs <see cref="RunOnceAsync"/> (see ScheduledJobs).
/// </summary>
public static class SeatExpiryJob
{
    /// <summary>One pass: every event with a due hold or offer. Returns how many holds and offers ended.</summary>
    public static async Task<int> RunOnceAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            due = await SeatKeeper.DueHolds(db, now).Select(r => r.EventId)
                .Union(db.WaitlistEntries.Where(w => w.Status == WaitlistStatus.Offered && w.OfferExpiresAt <= now).Select(w => w.EventId))
                .Distinct().OrderBy(id => id).Take(500).ToListAsync(cancellationToken);
        }
        var ended = 0;
        foreach (var eventId in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            ended += await scope.ServiceProvider.GetRequiredService<SeatKeeper>().ExpireDueAsync(eventId, now, cancellationToken);
        }
        return ended;
    }

}
