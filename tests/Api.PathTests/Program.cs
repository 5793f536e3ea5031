using System.Net.Http.Headers;
using System.Net.Http.Json;
using Assemble.Api.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace Assemble.Api.PathTests;

/// <summary>
/// Run as <c>dotnet Assemble.Api.PathTests.dll trace …</c> by <see cref="RegistrationPathTests"/>: a process of its own,
/// in which none of our code has run yet, hosts the API on the test's database, warms up with one authenticated read,
/// then registers the member and prints the HTTP status and the files whose code the registration ran first.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["trace", var connectionString, var token, var eventId, var ticketTypeId]) return 2;
        using var trace = new SourceFileTrace();
        await using var api = new ExistingDatabase(connectionString);
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // The host, authentication and a first EF query run before the trace: they serve every route alike.
        (await client.GetAsync("/api/me/profile")).EnsureSuccessStatusCode();
        var status = 0;
        var files = await trace.FilesOfAsync(async () =>
            status = (int)(await client.PostAsJsonAsync($"/api/events/{eventId}/registrations", new { ticketTypeId })).StatusCode);
        Console.WriteLine($"path: {status}");
        foreach (var file in files) Console.WriteLine($"path: {file}");
        return 0;
    }

    /// <summary>The API on a database the test made and keeps.</summary>
    private sealed class ExistingDatabase : EventsFactory
    {
        public ExistingDatabase(string connectionString) => ConnectionString = connectionString;

        public override Task InitializeAsync() => Task.CompletedTask;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // Our background services (the outbox's wake-up) would run their own code inside the window.
            builder.ConfigureTestServices(services =>
            {
                foreach (var hosted in services.Where(s => s.ServiceType == typeof(IHostedService) && s.ImplementationType?.Namespace?.StartsWith("Assemble.") == true).ToList())
                    services.Remove(hosted);
            });
        }
    }
}
