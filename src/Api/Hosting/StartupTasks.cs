using Assemble.Infrastructure.Persistence;

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

/// <summary>What runs before the API serves, and the command-line verbs (migrate, create-admin).</summary>
public static class StartupTasks
{
    public static readonly string[] Commands = ["migrate", "create-admin"];

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
            default:
                return null;
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
