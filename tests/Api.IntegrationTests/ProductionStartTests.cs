using System.Diagnostics;
using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class ProductionStartTests
{
    [Fact]
    public async Task Production_refuses_to_start_without_its_allowed_hosts()
    {
        var start = new ProcessStartInfo("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "Assemble.Api.dll")}\" --urls http://127.0.0.1:0")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ConnectionStrings__Default"] = TestDatabases.ConnectionString("postgres"),
                ["Database__MigrateOnStartup"] = "false",
                ["Jobs__Scheduler__Enabled"] = "false",
                ["App__PublicBaseUrl"] = ApiFactory.PublicBaseUrl,
                ["AllowedHosts"] = "*",
            },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExit(TimeSpan.FromSeconds(60));
        if (!exited) process.Kill(entireProcessTree: true);
        Assert.True(exited, "the API started with AllowedHosts=*");
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("Set AllowedHosts", await output + await errors);
    }
}
