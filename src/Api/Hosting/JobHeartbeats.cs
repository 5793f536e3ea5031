using System.Globalization;
using Hangfire.Storage;

namespace Assemble.Api.Hosting;

/// <summary>
/// When each job that must keep running last succeeded, kept in Hangfire's storage so that every instance reads the
/// same answer, whichever instance ran the job. <see cref="JobTelemetryFilter"/> writes it; <see cref="JobsRunningCheck"/> reads it.
/// </summary>
public static class JobHeartbeats
{
    private const string Key = "assemble:job-heartbeats";

    /// <summary>The recurring jobs whose silence means trouble: they run every few seconds, and mail and money wait on them.</summary>
    public static readonly IReadOnlyList<string> Watched =
    [
        ScheduledJobs.NameOf(typeof(ScheduledJobs.MailRun)),
        ScheduledJobs.NameOf(typeof(ScheduledJobs.PaymentsRun)),
        ScheduledJobs.NameOf(typeof(ScheduledJobs.SeatExpiryRun)),
    ];

    public static void Record(IStorageConnection connection, string job, DateTimeOffset at)
        => connection.SetRangeInHash(Key, [new KeyValuePair<string, string>(job, at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))]);

    public static Dictionary<string, DateTimeOffset> Read(IStorageConnection connection)
        => (connection.GetAllEntriesFromHash(Key) ?? [])
            .Where(e => DateTimeOffset.TryParse(e.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            .ToDictionary(e => e.Key, e => DateTimeOffset.Parse(e.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
}
