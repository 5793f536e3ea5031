using Assemble.Infrastructure;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Assemble.Api.IntegrationTests.Infrastructure;

/// <summary>
/// Real PostgreSQL from the PG* variables. Migrations are applied once per test run into a template database;
/// each test class gets its own clone (CREATE DATABASE … TEMPLATE), which takes milliseconds.
/// </summary>
public static class TestDatabases
{
    private static readonly string RunId = Guid.NewGuid().ToString("N")[..8];
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _template;
    private static int _counter;

    /// <summary>The server from PGHOST/PGPORT/PGUSER/PGPASSWORD, with the given database.</summary>
    public static string ConnectionString(string database)
        => new NpgsqlConnectionStringBuilder(ConnectionStrings.Resolve(new ConfigurationBuilder().Build())) { Database = database }.ConnectionString;

    public static async Task<string> CloneAsync()
    {
        var template = await TemplateAsync();
        var name = $"assemble_test_{RunId}_{Interlocked.Increment(ref _counter)}";
        // CREATE DATABASE … TEMPLATE needs the template to have no other session; clones are serialised.
        await Gate.WaitAsync();
        try
        {
            await ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {template}");
        }
        finally
        {
            Gate.Release();
        }
        return ConnectionString(name);
    }

    /// <summary>A fresh empty database (for the schema tests).</summary>
    public static async Task<string> CreateEmptyAsync(string label)
    {
        var name = $"assemble_test_{RunId}_{label}_{Interlocked.Increment(ref _counter)}";
        await ExecuteAsync($"CREATE DATABASE {name}");
        return ConnectionString(name);
    }

    public static async Task DropAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    public static AppDbContext NewContext(NpgsqlDataSource dataSource)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DependencyInjection.ConfigureDbContext(options, dataSource);
        return new AppDbContext(options.Options);
    }

    public static async Task MigrateAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var db = NewContext(dataSource);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:Default", connectionString)]).Build();
        await new DatabaseMigrator(db, dataSource, configuration, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
    }

    private static async Task<string> TemplateAsync()
    {
        if (_template is not null) return _template;
        await Gate.WaitAsync();
        try
        {
            if (_template is not null) return _template;
            var name = $"assemble_template_{RunId}";
            await ExecuteAsync($"CREATE DATABASE {name}");
            var cs = new NpgsqlConnectionStringBuilder(ConnectionString(name)) { Pooling = false }.ConnectionString;
            await MigrateAsync(cs);
            _template = name;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DropQuietly(name);
            return name;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static void DropQuietly(string name)
    {
        try
        {
            using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Pooling = false }.ConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            command.ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
            // A throw-away cluster may already be gone.
        }
    }

    /// <summary>Waits (up to 5 s) until some session of the database waits on a lock: a statement has run into a row held by the test.</summary>
    public static async Task WaitForLockWaiterAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
        for (var i = 0; i < 500; i++)
        {
            if ((long)(await command.ExecuteScalarAsync())! > 0) return;
            await Task.Delay(10);
        }
        throw new TimeoutException("no statement reached the held row lock");
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
