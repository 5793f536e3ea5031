using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;

namespace Assemble.Infrastructure.Persistence;

/// <summary>
/// Hangfire's tables live in their own schema on the application's PostgreSQL. The migrator installs them under its
/// advisory lock (<see cref="Install"/>), so two instances starting together never race to create them, and the
/// storage itself never touches the schema.
/// </summary>
public static class HangfireStorage
{
    public const string Schema = "hangfire";

    /// <summary>Hangfire.PostgreSql's own versioned scripts; each one already applied is skipped.</summary>
    public static void Install(NpgsqlConnection connection) => PostgreSqlObjectsInstaller.Install(connection, Schema);

    public static PostgreSqlStorage Create(string connectionString)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = Schema,
            PrepareSchemaIfNecessary = false,
            // A job enqueued in this process wakes a local worker at once; polling only finds jobs enqueued elsewhere.
            QueuePollInterval = TimeSpan.FromSeconds(1),
            // A lock row left by a killed instance blocks its resource until it expires (default ten minutes).
            DistributedLockTimeout = TimeSpan.FromMinutes(1),
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }
}
