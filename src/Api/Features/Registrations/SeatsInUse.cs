using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Registrations;

/// <summary>
/// Seats of each published event that has not ended: held for payment and sold (confirmed). Only those events, so the
/// gauge that reads it has as many series as there are events on sale, not one per event ever held.
/// </summary>
public sealed record SeatsInUse(Guid EventId, int Held, int Sold)
{
    /// <summary>Synchronous, for a gauge callback (OpenTelemetry calls them synchronously while it collects).</summary>
    public static List<SeatsInUse> Read(AppDbContext db, DateTimeOffset now)
        => db.Registrations.AsNoTracking()
            .Where(r => r.Status == RegistrationStatus.PendingPayment || r.Status == RegistrationStatus.Confirmed)
            .Where(r => db.Events.Any(e => e.Id == r.EventId && e.Status == EventStatus.Published && e.EndsAt > now))
            .GroupBy(r => r.EventId)
            .Select(g => new SeatsInUse(g.Key,
                g.Where(r => r.Status == RegistrationStatus.PendingPayment).Sum(r => r.Quantity),
                g.Where(r => r.Status == RegistrationStatus.Confirmed).Sum(r => r.Quantity)))
            .ToList();
}
