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
        if (!string.IsNullOrWhiteSpace(configured)) return WithPoolLimit(configured);

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Env("PGHOST") ?? "localhost",
            Port = int.TryParse(Env("PGPORT"), out var port) ? port : 5432,
            Username = Env("PGUSER") ?? Environment.UserName,
            Database = Env("PGDATABASE") ?? "assemble",
        };
        if (Env("PGPASSWORD") is { } password) builder.Password = password;
        return WithPoolLimit(builder.ConnectionString);

        static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
    }

    /// <summary>
    /// Npgsql allows 100 connections per process by default, and PostgreSQL 100 in all: two instances under load
    /// would run the server out. Unless the connection string says otherwise, each instance keeps at most
    /// <see cref="DefaultMaxPoolSize"/> (requests queue for a connection rather than fail).
    /// </summary>
    public const int DefaultMaxPoolSize = 30;

    private static string WithPoolLimit(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("pool size", StringComparison.OrdinalIgnoreCase)) builder.MaxPoolSize = DefaultMaxPoolSize;
        return builder.ConnectionString;
    }
}
