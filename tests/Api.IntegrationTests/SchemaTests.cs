using Assemble.Api.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>
/// The migrations must build exactly the schema EF's model describes, plus what only their raw SQL makes (seed
/// rows, triggers and their functions). Hangfire's tables are not in EF's model: the migrator installs them in their
/// own schema (<c>hangfire</c>), checked separately below.
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
    public async Task The_model_has_no_changes_missing_from_the_migrations()
    {
        // No connection is opened: the model is compared with the last migration's snapshot.
        await using var dataSource = NpgsqlDataSource.Create(TestDatabases.ConnectionString("postgres"));
        await using var db = TestDatabases.NewContext(dataSource);
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model has changed since the last migration: add one with `dotnet ef migrations add Name --project src/Infrastructure --startup-project src/Api --output-dir Persistence/Migrations`.");
    }

    [Fact]
    public async Task Migrations_create_the_seed_rows_triggers_and_functions_the_model_cannot_express()
    {
        var database = await TestDatabases.CreateEmptyAsync("rawsql");
        try
        {
            await TestDatabases.MigrateAsync(database);
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            async Task<object?> Scalar(string sql)
            {
                await using var command = new NpgsqlCommand(sql, connection);
                return await command.ExecuteScalarAsync();
            }

            Assert.Equal(
                "credentials.tr_credentials_directory,credentials.tr_credentials_directory_delete,credentials.tr_credentials_registrant_version,"
                + "events.tr_events_version,member_profiles.tr_member_profiles_directory,member_profiles.tr_member_profiles_directory_insert,"
                + "membership_payments.tr_membership_payments_registrant_version,"
                + "practice_profiles.tr_practice_profiles_directory,receipt_documents.tr_receipt_documents_kept,receipts.tr_receipts_kept,ticket_types.tr_ticket_types_version,user_roles.tr_user_roles_access,"
                + "users.tr_users_access,users.tr_users_access_delete,users.tr_users_registrant_version",
                await Scalar("""
                    SELECT string_agg(c.relname || '.' || t.tgname, ',' ORDER BY c.relname, t.tgname)
                      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                     WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace AND c.relname NOT LIKE 'qrtz%'
                    """));
            // The directory's triggers run at commit, after every other statement (see the baseline migration).
            Assert.Equal(5L, await Scalar("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tr_%_directory%' AND tgdeferrable AND tginitdeferred"));
            Assert.Equal("bump_access_version,bump_directory_version,bump_event_version,bump_event_version_of_ticket_type,bump_registrant_version,bump_registrant_version_of_member_row,refuse_receipt_change",
                await Scalar("SELECT string_agg(proname, ',' ORDER BY proname) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"));
            Assert.Equal("access:0,directory:0", await Scalar("SELECT string_agg(name || ':' || version, ',' ORDER BY name) FROM version_rows"));
            // The access triggers run at commit too.
            Assert.Equal(3L, await Scalar("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tr_%_access%' AND tgdeferrable AND tginitdeferred"));
            // The seat counters' rows leave room for HOT updates (EventConfiguration).
            Assert.Equal("events:fillfactor=70,ticket_types:fillfactor=50", await Scalar("""
                SELECT string_agg(relname || ':' || array_to_string(reloptions, ','), ',' ORDER BY relname)
                  FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND reloptions IS NOT NULL
                """));
            Assert.Equal("Modality:12,Specialty:14",
                await Scalar("SELECT string_agg(kind || ':' || n, ',' ORDER BY kind) FROM (SELECT kind, count(*) AS n FROM vocabulary_terms GROUP BY kind) k"));
        }
        finally
        {
            await TestDatabases.DropAsync(database);
        }
    }

    [Fact]
    public async Task A_database_made_by_the_migrations_before_the_baseline_is_refused_with_what_to_do()
    {
        var database = await TestDatabases.CreateEmptyAsync("prebaseline");
        try
        {
            await TestDatabases.MigrateAsync(database);
            // What the hand-written migrations replaced by the baseline of 2026-12 left in the history.
            await ExecuteAsync(database, """
                DELETE FROM __ef_migrations_history;
                INSERT INTO __ef_migrations_history VALUES ('20261122000000_Initial', '10.0.14'), ('20261203090000_OutboxUnsubscribe', '10.0.14');
                """);

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => TestDatabases.MigrateAsync(database));

            Assert.Contains("before the baseline of 2026-12", refused.Message);
            Assert.Contains("dropdb", refused.Message);
            Assert.Contains("20261122000000_Initial", refused.Message);
        }
        finally
        {
            await TestDatabases.DropAsync(database);
        }
    }

    [Fact]
    public async Task A_database_migrated_by_a_newer_build_is_refused()
    {
        var database = await TestDatabases.CreateEmptyAsync("newer");
        try
        {
            await TestDatabases.MigrateAsync(database);
            await ExecuteAsync(database, "INSERT INTO __ef_migrations_history VALUES ('29991231000000_FromTheFuture', '10.0.14')");

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => TestDatabases.MigrateAsync(database));

            Assert.Contains("newer build", refused.Message);
            Assert.Contains("29991231000000_FromTheFuture", refused.Message);
        }
        finally
        {
            await TestDatabases.DropAsync(database);
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
    public void The_outbox_copy_writes_every_column_of_the_model()
    {
        using var db = TestDatabases.NewContext(Npgsql.NpgsqlDataSource.Create(TestDatabases.ConnectionString("postgres")));
        var table = db.Model.FindEntityType(typeof(Assemble.Domain.Common.OutboxEmail))!;
        var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(table.GetTableName()!, table.GetSchema());
        var columns = table.GetProperties().Select(p => p.GetColumnName(store)!).Order().ToList();
        Assert.Equal(columns, Assemble.Infrastructure.Persistence.OutboxRows.Columns.Order().ToList());
    }

    [Fact]
    public void The_seat_path_writes_every_column_of_the_registrations_and_notification_records_it_inserts()
    {
        using var db = TestDatabases.NewContext(Npgsql.NpgsqlDataSource.Create(TestDatabases.ConnectionString("postgres")));
        List<string> ColumnsOf(Type type)
        {
            var table = db.Model.FindEntityType(type)!;
            var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(table.GetTableName()!, table.GetSchema());
            return table.GetProperties().Select(p => p.GetColumnName(store)!).Order().ToList();
        }
        Assert.Equal(ColumnsOf(typeof(Assemble.Domain.Events.Registration)),
            Assemble.Infrastructure.Persistence.Seats.SeatStatements.Registrations.ColumnList.Split(", ").Order().ToList());
        Assert.Equal(ColumnsOf(typeof(Assemble.Infrastructure.Persistence.Notifications.NotificationRecord)),
            Assemble.Infrastructure.Persistence.Seats.SeatStatements.NotificationRecords.ColumnList.Split(", ").Order().ToList());
    }

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

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
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
