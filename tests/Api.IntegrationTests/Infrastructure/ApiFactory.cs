using System.Net.Http.Headers;
using System.Net.Http.Json;
using Assemble.Api.Hosting;
using Assemble.Infrastructure.Identity;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace Assemble.Api.IntegrationTests.Infrastructure;

/// <summary>
/// The real API over HTTP, on its own clone of the migrated template database and its own mail pickup folder.
/// One per test class (IClassFixture). Rate limits are raised unless a test class sets its own.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "tsukue-no-ue-no-ringo";

    /// <summary>Where every link in mail must point, whatever Host a request names.</summary>
    public const string PublicBaseUrl = "https://assemble.test";

    private string _mailFolder = Path.Combine(Path.GetTempPath(), "assemble-tests", Guid.NewGuid().ToString("N"));
    private bool _ownsDatabase = true;
    private int _userCounter;

    public string ConnectionString { get; protected set; } = "";
    public string MailFolder => _mailFolder;
    public CapturedLogs Logs { get; } = new();

    /// <summary>Another API instance on this factory's database (two processes, one PostgreSQL).</summary>
    public ApiFactory SecondInstance() => new SharedDatabaseFactory(this);

    public virtual async Task InitializeAsync() => ConnectionString = await TestDatabases.CloneAsync();

    /// <summary>The same settings (Stripe, secrets, limits) and database as the first instance.</summary>
    private sealed class SharedDatabaseFactory : ApiFactory
    {
        private readonly ApiFactory _first;

        public SharedDatabaseFactory(ApiFactory first)
        {
            _first = first;
            ConnectionString = first.ConnectionString;
            _mailFolder = first.MailFolder;
            _ownsDatabase = false;
        }

        protected override IDictionary<string, string?> Settings => _first.Settings;

        public override Task InitializeAsync() => Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        // ASSEMBLE_CONTRACT_LOG=FILE: which operations and statuses this class met (and any violation), for coverage.
        if (Environment.GetEnvironmentVariable("ASSEMBLE_CONTRACT_LOG") is { Length: > 0 } log)
            await File.AppendAllLinesAsync(log, Contract.Violations.Select(v => $"{GetType().Name}\t{v}")
                .Concat(Contract.Seen.Keys.Select(k => $"{GetType().Name}\tSEEN {k}")));
        await base.DisposeAsync();
        if (!_ownsDatabase) return;
        await TestDatabases.DropAsync(ConnectionString);
        if (Directory.Exists(_mailFolder)) Directory.Delete(_mailFolder, recursive: true);
    }

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // As strict as Development: a scoped service captured by a singleton fails the tests, not production.
        builder.UseDefaultServiceProvider(o =>
        {
            o.ValidateScopes = true;
            o.ValidateOnBuild = true;
        });
        builder.UseSetting("ConnectionStrings:Default", ConnectionString);
        builder.UseSetting("Email:PickupDirectory", _mailFolder);
        builder.UseSetting("Database:MigrateOnStartup", "false");
        // Tests run the expiry job body themselves, at the instant they choose.
        builder.UseSetting("Jobs:Scheduler:Enabled", "false");
        // Arrange steps change roles behind the API's back; RoleTests checks the cache itself.
        builder.UseSetting("Auth:AccessRecheckMilliseconds", "0");
        builder.UseSetting("App:PublicBaseUrl", PublicBaseUrl);
        builder.UseSetting("RateLimits:LoginPerIpPerMinute", "100000");
        builder.UseSetting("RateLimits:LoginPerAccountPerMinute", "100000");
        builder.UseSetting("RateLimits:RegisterPerIpPerHour", "100000");
        builder.UseSetting("RateLimits:PasswordResetPerIpPerHour", "100000");
        builder.UseSetting("RateLimits:PasswordResetPerAccountPerHour", "100000");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        // Every answer a test receives is checked against the OpenAPI document (OpenApiContractTests asserts on it).
        builder.ConfigureServices(services => services.AddSingleton(Contract).AddSingleton<IStartupFilter>(Contract));
        // Everything, whatever appsettings filters for the console: the captured logs prove what never appears.
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).AddFilter<CapturedLogs>(null, LogLevel.Trace));
    }

    /// <summary>What the answers this API gave broke of its OpenAPI document.</summary>
    public ContractCheck Contract { get; } = new();

    public string NewEmail(string label = "member") => $"{label}{Interlocked.Increment(ref _userCounter)}-{Guid.NewGuid():N}"[..24] + "@example.jp";

    /// <summary>Signs up through /api/auth/register and signs in through /api/auth/login: a real bearer token.</summary>
    public async Task<TestMember> SignUpAsync(string? email = null)
    {
        email ??= NewEmail();
        var client = CreateClient();
        var register = await client.PostAsJsonAsync("/api/auth/register", new { email, password = Password });
        await Expect.StatusAsync(register, 200);
        return await SignInAsync(email);
    }

    public async Task<TestMember> SignInAsync(string email, string password = Password)
    {
        var client = CreateClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        await Expect.StatusAsync(login, 200);
        var token = (await login.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await client.GetFromJsonAsync<MeResponse>("/api/me/profile");
        return new TestMember(me!.Id, email, client);
    }

    /// <summary>An admin made the way the create-admin command makes one, then signed in over HTTP.</summary>
    public async Task<TestMember> AdminAsync()
    {
        var email = NewEmail("admin");
        await using (var scope = Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true };
            var created = await users.CreateAsync(user, Password);
            Assert.True(created.Succeeded, string.Join(",", created.Errors.Select(e => e.Code)));
            await scope.ServiceProvider.GetRequiredService<AccountBootstrap>().EnsureAdminAsync(email);
        }
        return await SignInAsync(email);
    }

    /// <summary>Sends the outbox (as the dispatcher job would), then waits for a message to that address in the pickup folder.</summary>
    public async Task<Mailbox.Mail> MailAsync(string to, Func<Mailbox.Mail, bool>? match = null, DateTimeOffset? at = null)
    {
        var scopes = Services.GetRequiredService<IServiceScopeFactory>();
        await Assemble.Api.Features.Email.Notifier.RunOnceAsync(scopes, at ?? DateTimeOffset.UtcNow, CancellationToken.None);
        await Assemble.Api.Features.Email.OutboxDispatcher.RunOnceAsync(scopes, at ?? DateTimeOffset.UtcNow, 50, CancellationToken.None);
        return await Mailbox.WaitForAsync(MailFolder, to, match);
    }

    /// <summary>Reads what the database holds through the API's own <see cref="AppDbContext"/>, in a scope of its own.</summary>
    public async Task<T> DbAsync<T>(Func<AppDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    /// <summary>Runs one SQL scalar query against this class's database (for "database unchanged" checks).</summary>
    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteScalarAsync();
    }

    private sealed record TokenResponse(string AccessToken, string RefreshToken);

    private sealed record MeResponse(Guid Id);
}

/// <summary>A signed-in member with an HttpClient that carries their bearer token.</summary>
public sealed record TestMember(Guid Id, string Email, HttpClient Client);
