using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Assemble.Infrastructure.Persistence;

/// <summary>
/// How <c>dotnet ef</c> builds the context: from the PG* variables (or localhost), without starting the API's host.
/// Adding a migration opens no connection, so it needs no running database; <c>dotnet ef database update</c> does.
/// </summary>
public sealed class AppDbContextFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args)
    {
        // The tool's process ends with the command; the data source needs no disposing.
        var dataSource = NpgsqlDataSource.Create(ConnectionStrings.Resolve(new ConfigurationBuilder().Build()));
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DependencyInjection.ConfigureDbContext(options, dataSource);
        return new AppDbContext(options.Options);
    }
}
