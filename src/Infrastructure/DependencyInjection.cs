using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Identity;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Assemble.Infrastructure;

public static class DependencyInjection
{
    /// <summary>PBKDF2 iterations for password hashes (OWASP: at least 210,000 for HMAC-SHA512).</summary>
    public const int PasswordHashIterations = 210_000;

    /// <summary>The key of the seat path's own data source.</summary>
    public const string SeatsDataSource = "seats";

    private static NpgsqlDataSource BuildDataSource(IConfiguration configuration, int? maxPoolSize = null)
    {
        var builder = new NpgsqlDataSourceBuilder(ConnectionStrings.Resolve(configuration));
        if (maxPoolSize is { } size) builder.ConnectionStringBuilder.MaxPoolSize = size;
        // Statements the API runs over and over (the seat pre-read, the event, the member) are prepared once per
        // connection instead of parsed and planned on every request, unless the connection string says otherwise.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0) builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        // With prepared statements kept, a connection's return to the pool would cost five reset statements
        // (RESET ALL, advisory unlock, …) on its next use — a third of the database's work on a registration.
        // Nothing here leaves session state behind: the migrator's advisory lock is released in a finally, and
        // an open transaction is still rolled back when a connection goes back to the pool.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        return builder.Build();
    }

    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => BuildDataSource(configuration));
        services.AddSingleton<CommitClock>();
        services.AddSingleton<IInterceptor, CommitClock.Watcher>();
        services.AddSingleton<IInterceptor, Persistence.Notifications.DomainEventRecorder>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<IOutboxSignal>(sp => sp.GetRequiredService<OutboxSignal>());
        services.AddSingleton<IInterceptor, OutboxSignal.Watcher>();
        // The seat path's group commit gets connections of its own: its batches are what a rush waits for, and they
        // must not queue in the pool behind the reads of the very requests they are about to seat.
        services.AddKeyedSingleton(SeatsDataSource, (_, _) => BuildDataSource(configuration, maxPoolSize: 4));
        services.AddSingleton<Persistence.Seats.SeatMemory>();
        services.AddSingleton(sp => Persistence.Seats.SeatAllocator.CreateQueue(
            sp.GetRequiredKeyedService<NpgsqlDataSource>(SeatsDataSource), sp.GetRequiredService<CommitClock>(), sp.GetRequiredService<IOutboxSignal>()));
        services.AddScoped<Domain.Events.ISeatAllocator, Persistence.Seats.SeatAllocator>();
        // Pooled: a context per request is reset and reused rather than built anew (measured in bench/).
        // Interceptors (singletons): the commit clock's, the domain event recorder, the mail signal's.
        services.AddDbContextPool<AppDbContext>((sp, options) => ConfigureDbContext(options, sp.GetRequiredService<NpgsqlDataSource>())
            .AddInterceptors(sp.GetServices<IInterceptor>()));
        services.AddScoped<DatabaseMigrator>();

        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.Section));
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section));
        services.AddOptions<AppOptions>().Bind(configuration.GetSection(AppOptions.Section))
            .Validate(o => PublicLinks.IsValid(o.PublicBaseUrl), "App:PublicBaseUrl (App__PublicBaseUrl) must be the absolute https address people reach the API at (http only on a loopback host); every link in mail is built from it.")
            .ValidateOnStart();
        services.AddSingleton<PublicLinks>();
        services.AddScoped<IEmailSender, OutboxEmailSender>();
        services.AddHttpContextAccessor();
        services.AddSingleton<IEmailSender<AppUser>, IdentityEmailSender>();
        if (string.IsNullOrWhiteSpace(configuration.GetSection(SmtpOptions.Section)["Host"])) services.AddSingleton<IMailTransport, PickupTransport>();
        else services.AddSingleton<IMailTransport, SmtpTransport>();

        services.AddDataProtection().SetApplicationName("Assemble");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DbXmlRepository(sp.GetRequiredService<IServiceScopeFactory>())));

        services.Configure<PasswordHasherOptions>(o =>
        {
            o.CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3;
            o.IterationCount = PasswordHashIterations;
        });
        return services;
    }

    /// <summary>Identity settings at OWASP ASVS 5.0 level 2.</summary>
    public static void ConfigureIdentity(IdentityOptions o)
    {
        o.Password.RequiredLength = 8;
        o.Password.RequireDigit = false;
        o.Password.RequireLowercase = false;
        o.Password.RequireUppercase = false;
        o.Password.RequireNonAlphanumeric = false;
        o.Password.RequiredUniqueChars = 1;
        o.Lockout.MaxFailedAccessAttempts = 5;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
        o.Lockout.AllowedForNewUsers = true;
        o.User.RequireUniqueEmail = true;
        o.SignIn.RequireConfirmedAccount = false;
        o.SignIn.RequireConfirmedEmail = false;
    }

    public static IdentityBuilder AddAssembleIdentityStores(this IdentityBuilder builder)
        => builder
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddPasswordValidator<CommonPasswordValidator>();

    public static DbContextOptionsBuilder ConfigureDbContext(DbContextOptionsBuilder options, NpgsqlDataSource dataSource)
        => options
            .UseNpgsql(dataSource, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"));
}
