using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Assemble.Infrastructure.Persistence;

public static class ConnectionStrings
{
    /// <summary>
    /// <c>ConnectionStrings:Default</c> when set; otherwise one built from libpq's PGHOST, PGPORT, PGUSER,
    /// PGPASSWORD and PGDATABASE (default database <c>assemble</c>).
    /// </summary>
    public static string Resolve(IConfiguration configuration)
    {
        var configured = configuration.GetConnectionString("Default");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Env("PGHOST") ?? "localhost",
            Port = int.TryParse(Env("PGPORT"), out var port) ? port : 5432,
            Username = Env("PGUSER") ?? Environment.UserName,
            Database = Env("PGDATABASE") ?? "assemble",
        };
        if (Env("PGPASSWORD") is { } password) builder.Password = password;
        return builder.ConnectionString;

        static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
    }
}
