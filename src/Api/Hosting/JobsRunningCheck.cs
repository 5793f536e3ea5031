using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Hosting;

/// <summary>
/// Degraded when a watched recurring job (<see cref="JobHeartbeats.Watched"/>) has not succeeded for
/// <see cref="HealthOptions.JobMaxSilence"/>: no server runs it, or every run fails. A job never run yet counts from
/// when it was registered; a job not registered at all (no instance is a Hangfire server) is not judged here, since
/// the mail backlog check sees its effect.
/// </summary>
public sealed class JobsRunningCheck(JobStorage storage, TimeProvider time, IOptions<HealthOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var connection = storage.GetConnection();
        var beats = JobHeartbeats.Read(connection);
        var now = time.GetUtcNow();
        var silent = connection.GetRecurringJobs(JobHeartbeats.Watched)
            .Where(j => !j.Removed)
            .Select(j => (j.Id, Last: beats.TryGetValue(j.Id, out var at) ? at : Utc(j.CreatedAt) ?? now))
            .Where(j => now - j.Last > options.Value.JobMaxSilence)
            .ToList();
        return Task.FromResult(silent.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded(
                $"No successful run for over {options.Value.JobMaxSilence.TotalMinutes:0} min: {string.Join(", ", silent.Select(j => j.Id))}.",
                data: silent.ToDictionary(j => j.Id, j => (object)j.Last)));
    }

    private static DateTimeOffset? Utc(DateTime? at) => at is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
}
