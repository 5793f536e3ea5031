using Npgsql;

namespace Assemble.Infrastructure.Persistence;

/// <summary>
/// Quartz's own PostgreSQL schema script (shipped inside the Quartz assembly; every statement creates only what
/// is missing), run by the migrator under its advisory lock, followed by the scheduler's lock rows — so the rows
/// exist before two nodes start and they never race to insert them.
/// </summary>
public static class QuartzSchema
{
    public const string SchedulerName = "assemble";
    public const string TablePrefix = "qrtz_";
    private const string Resource = "Quartz.Impl.AdoJobStore.Schema.create_postgres.sql";

    public static async Task EnsureAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var stream = typeof(Quartz.IJob).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"{Resource} is missing from the Quartz assembly.");
        using var reader = new StreamReader(stream);
        var script = (await reader.ReadToEndAsync(cancellationToken)).Replace("{0}", TablePrefix).Replace("{1}", TablePrefix);
        foreach (var statement in script.Split("\n--;;", StringSplitOptions.RemoveEmptyEntries))
        {
            var sql = string.Join('\n', statement.Split('\n').Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal))).Trim();
            if (sql.Length == 0) continue;
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var locks = new NpgsqlCommand(
            $"INSERT INTO {TablePrefix}locks (sched_name, lock_name) VALUES (@s, 'TRIGGER_ACCESS'), (@s, 'STATE_ACCESS') ON CONFLICT DO NOTHING", connection);
        locks.Parameters.AddWithValue("s", SchedulerName);
        await locks.ExecuteNonQueryAsync(cancellationToken);
    }
}
