using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Assemble.Infrastructure.Persistence;

/// <summary>
/// Applies the hand-written migrations with EF's runtime migrator, and installs Hangfire's schema. Instances that
/// start together queue on a PostgreSQL advisory lock, so exactly one applies each migration and the others find
/// nothing left to do.
/// </summary>
public sealed partial class DatabaseMigrator(AppDbContext db, NpgsqlDataSource dataSource, IConfiguration configuration, ILogger<DatabaseMigrator> logger)
{
    private const long LockKey = 0x417373656D626C65; // "Assemble"

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await EnsureDatabaseExistsAsync(cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            take.Parameters.AddWithValue("key", LockKey);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            // On a fresh database, asking EF for applied migrations logs a failed query; ask PostgreSQL first.
            await using var probe = new NpgsqlCommand("SELECT to_regclass('__ef_migrations_history') IS NOT NULL", connection);
            var hasHistory = (bool)(await probe.ExecuteScalarAsync(cancellationToken))!;
            var pending = hasHistory
                ? (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList()
                : db.Database.GetMigrations().ToList();
            HangfireStorage.Install(connection);
            if (pending.Count == 0)
            {
                LogUpToDate(logger);
                return;
            }
            if (!hasHistory)
            {
                // EF's migrator reads the history table before creating it, which logs a failed command.
                await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
            }
            await db.Database.MigrateAsync(cancellationToken);
            LogApplied(logger, pending.Count, string.Join(", ", pending));
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            release.Parameters.AddWithValue("key", LockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Creates the database when it is missing (a fresh local cluster); two creators at once are fine.</summary>
    private async Task EnsureDatabaseExistsAsync(CancellationToken cancellationToken)
    {
        // The configured string, not the data source's: that one leaves the password out (Persist Security Info),
        // and a password given only in ConnectionStrings:Default must reach the maintenance connection too.
        var builder = new NpgsqlConnectionStringBuilder(ConnectionStrings.Resolve(configuration));
        var database = builder.Database ?? builder.Username ?? "postgres";
        try
        {
            await using var probe = await dataSource.OpenConnectionAsync(cancellationToken);
            return;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
        }

        builder.Database = "postgres";
        builder.Pooling = false;
        await using var admin = new NpgsqlConnection(builder.ConnectionString);
        await admin.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\"", admin);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
            LogCreated(logger, database);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is up to date.")]
    private static partial void LogUpToDate(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} migration(s): {Migrations}")]
    private static partial void LogApplied(ILogger logger, int count, string migrations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created database {Database}.")]
    private static partial void LogCreated(ILogger logger, string database);
}
