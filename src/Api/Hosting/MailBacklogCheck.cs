using Assemble.Api.Features.Email;
using Assemble.Infrastructure.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Hosting;

/// <summary>Degraded when the oldest pending mail has waited longer than <see cref="HealthOptions.OldestMailMaxAge"/>.</summary>
public sealed class MailBacklogCheck(AppDbContext db, TimeProvider time, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var backlog = await OutboxBacklog.ReadAsync(db, cancellationToken);
        var age = backlog.OldestPendingAge(time.GetUtcNow());
        var data = new Dictionary<string, object> { ["pending"] = backlog.Pending, ["dead"] = backlog.Dead, ["oldestPendingSeconds"] = (long)age.TotalSeconds };
        return age > options.Value.OldestMailMaxAge
            ? HealthCheckResult.Degraded($"The oldest pending mail has waited {(long)age.TotalMinutes} min (limit {options.Value.OldestMailMaxAge.TotalMinutes:0} min).", data: data)
            : HealthCheckResult.Healthy(data: data);
    }
}
