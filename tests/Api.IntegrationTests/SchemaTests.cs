using Assemble.Api.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>
/// Hand-written migrations must build exactly the schema EF's model describes. Hangfire's tables are not in EF's
/// model: the migrator installs them in their own schema (<c>hangfire</c>), checked separately below.
/// </summary>
public sealed class SchemaTests
{
    private const string Catalog = """
        SELECT 'table ' || table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_name <> '__ef_migrations_history'
        UNION ALL
        SELECT format('column %s.%s %s nullable=%s identity=%s default=%s', table_name, column_name,
                      CASE WHEN data_type = 'ARRAY' THEN udt_name ELSE data_type END
                        || coalesce('(' || character_maximum_length || ')', ''),
                      is_nullable, is_identity, coalesce(column_default, '-'))
          FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '__ef_migrations_history'
        UNION ALL
        SELECT 'index ' || indexdef FROM pg_indexes
         WHERE schemaname = 'public' AND tablename <> '__ef_migrations_history'
        UNION ALL
        SELECT format('constraint %s on %s: %s', c.conname, t.relname, pg_get_constraintdef(c.oid))
          FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = 'public' AND t.relname <> '__ef_migrations_history'
           AND c.contype <> 't' -- the directory's constraint triggers live in migrations only (the model has no triggers)
        ORDER BY 1
        """;

    [Fact]
    public async Task Schema_from_migrations_equals_schema_from_model()
    {
        var migrated = await TestDatabases.CreateEmptyAsync("migrated");
        var modelled = await TestDatabases.CreateEmptyAsync("modelled");
        try
        {
            await TestDatabases.MigrateAsync(migrated);
            await using (var dataSource = NpgsqlDataSource.Create(modelled))
            await using (var db = TestDatabases.NewContext(dataSource))
            {
                Assert.True(await db.Database.EnsureCreatedAsync());
            }

            var fromMigrations = await CatalogAsync(migrated);
            var fromModel = await CatalogAsync(modelled);
            Assert.NotEmpty(fromModel);
            var onlyInMigrations = fromMigrations.Except(fromModel).ToList();
            var onlyInModel = fromModel.Except(fromMigrations).ToList();
            Assert.True(onlyInMigrations.Count == 0 && onlyInModel.Count == 0,
                "Schemas differ.\nOnly in migrations:\n  " + string.Join("\n  ", onlyInMigrations) + "\nOnly in model:\n  " + string.Join("\n  ", onlyInModel));
        }
        finally
        {
            await TestDatabases.DropAsync(migrated);
            await TestDatabases.DropAsync(modelled);
        }
    }

    [Fact]
    public async Task Two_instances_migrating_a_fresh_database_at_once_both_succeed()
    {
        var database = await TestDatabases.CreateEmptyAsync("racing");
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => TestDatabases.MigrateAsync(database))));
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM __ef_migrations_history", connection);
            var applied = (long)(await command.ExecuteScalarAsync())!;
            await using var hangfire = new NpgsqlCommand("SELECT count(*) FROM hangfire.schema", connection);
            Assert.Equal(1L, await hangfire.ExecuteScalarAsync());
            await using var quartz = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'qrtz%'", connection);
            Assert.Equal(0L, await quartz.ExecuteScalarAsync());
            await using var roles = new NpgsqlCommand("SELECT string_agg(name, ',' ORDER BY name) FROM roles", connection);
            Assert.Equal("admin,organizer", await roles.ExecuteScalarAsync());
            Assert.True(applied >= 1);
        }
        finally
        {
            await TestDatabases.DropAsync(database);
        }
    }

    /// <summary>
    /// The event version's triggers name their columns (so the seat counters can be left out); a column added later
    /// must be named too, or a change to it would not reach the registration desk's copy of the event.
    /// </summary>
    [Fact]
    public async Task The_event_version_triggers_watch_every_column_but_the_seat_counters()
    {
        var database = await TestDatabases.CreateEmptyAsync("versions");
        try
        {
            await TestDatabases.MigrateAsync(database);
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                """
                SELECT string_agg(c.relname || '.' || a.attname, ',' ORDER BY c.relname, a.attname)
                  FROM pg_trigger t
                  JOIN pg_class c ON c.oid = t.tgrelid
                  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                 WHERE t.tgname IN ('tr_events_version', 'tr_ticket_types_version') AND NOT a.attnum = ANY (t.tgattr::int2[])
                """, connection);
            Assert.Equal("events.seats_taken,events.version,ticket_types.seats_taken", await command.ExecuteScalarAsync());
        }
        finally
        {
            await TestDatabases.DropAsync(database);
        }
    }

    private static async Task<List<string>> CatalogAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Catalog, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
