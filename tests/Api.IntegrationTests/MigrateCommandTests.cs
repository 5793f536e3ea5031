using System.Diagnostics;
using Assemble.Api.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class MigrateCommandTests
{
    [Fact]
    public async Task Migrate_creates_the_database_when_the_password_is_only_in_the_connection_string()
    {
        var database = "assemble_test_pw_" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = TestDatabases.ConnectionString(database);
        // The string carries PGPASSWORD's value; the process gets no PG* variables at all.
        Assert.Equal(Environment.GetEnvironmentVariable("PGPASSWORD"), new NpgsqlConnectionStringBuilder(connectionString).Password);
        var start = new ProcessStartInfo("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "Assemble.Api.dll")}\" migrate")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ConnectionStrings__Default"] = connectionString,
                ["App__PublicBaseUrl"] = ApiFactory.PublicBaseUrl,
            },
        };
        foreach (var name in new[] { "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGPASSFILE" }) start.Environment.Remove(name);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "migrate did not finish");
            Assert.True(process.ExitCode == 0, $"migrate exited with {process.ExitCode}: {await output} {await errors}");
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var check = new NpgsqlCommand("SELECT to_regclass('events') IS NOT NULL", connection);
            Assert.True((bool)(await check.ExecuteScalarAsync())!);
        }
        finally
        {
            await TestDatabases.DropAsync(connectionString);
        }
    }
}
