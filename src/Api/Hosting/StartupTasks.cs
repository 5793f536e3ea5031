using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Assemble.Api.Hosting;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply migrations when the API starts (default). Production may run the migrate step instead.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}

public sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";

    /// <summary>An e-mail address made admin at start-up (the account is created, with a printed password, if missing).</summary>
    public string? AdminEmail { get; set; }
}

/// <summary>What runs before the API serves, and the command-line verbs (migrate, create-admin, openapi).</summary>
public static class StartupTasks
{
    public static readonly string[] Commands = ["migrate", "create-admin", "openapi"];

    /// <summary>Runs a command if args name one. Returns its exit code, or null to go on serving.</summary>
    public static async Task<int?> RunCommandAsync(WebApplication app, string[] args)
    {
        if (args.Length == 0 || !Commands.Contains(args[0])) return null;
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        switch (args[0])
        {
            case "migrate":
                await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
                return 0;
            case "create-admin" when args.Length >= 2 && args[1].Contains('@'):
                await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
                var password = await services.GetRequiredService<AccountBootstrap>().EnsureAdminAsync(args[1].Trim());
                Console.WriteLine(password is null
                    ? $"{args[1]} is an admin (the account already existed; its password is unchanged)."
                    : $"Created admin {args[1]} with password: {password}\nThis password is shown once. Change it after signing in.");
                return 0;
            case "create-admin":
                Console.Error.WriteLine("usage: create-admin EMAIL");
                return 2;
            case "openapi" when args.Length >= 2:
                await WriteOpenApiDocumentAsync(app, args[1]);
                return 0;
            case "openapi":
                Console.Error.WriteLine("usage: openapi FILE");
                return 2;
            default:
                return null;
        }
    }

    /// <summary>
    /// Writes the document /openapi/v1.json serves, for linters and client generators; no database is needed. The
    /// route table reaches the document only once the app starts, so it starts on a loopback port and stops again.
    /// </summary>
    private static async Task WriteOpenApiDocumentAsync(WebApplication app, string path)
    {
        app.Urls.Clear();
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        try
        {
            var document = await app.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1").GetOpenApiDocumentAsync();
            await using var file = File.Create(path);
            await document.SerializeAsJsonAsync(file, OpenApiSpecVersion.OpenApi3_1);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>Before serving: migrate (if configured), make the configured admin, seed demo data in Development.</summary>
    public static async Task PrepareAsync(WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var configuration = app.Configuration;
        if (configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>()?.MigrateOnStartup ?? true)
            await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();

        if (configuration.GetSection(BootstrapOptions.Section).Get<BootstrapOptions>()?.AdminEmail is { Length: > 0 } adminEmail)
        {
            var password = await services.GetRequiredService<AccountBootstrap>().EnsureAdminAsync(adminEmail);
            if (password is not null) Console.WriteLine($"Created admin {adminEmail} with password: {password} (shown once)");
        }

        if (app.Environment.IsDevelopment() && configuration.GetValue("Demo:Seed", true))
        {
            var created = await services.GetRequiredService<DemoData>().SeedAsync();
            if (created.Count > 0)
            {
                Console.WriteLine("Demo accounts (passwords are shown this once; the data stays in your local database):");
                foreach (var (email, password) in created) Console.WriteLine($"  {email,-36} {password}");
            }
        }
    }
}
