using System.Net.Http.Json;
using System.Text.Json;
using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class PlatformTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Health_endpoints_answer_live_and_ready()
    {
        var client = api.CreateClient();
        await Expect.StatusAsync(await client.GetAsync("/health/live"), 200);
        await Expect.StatusAsync(await client.GetAsync("/health/ready"), 200);
    }

    [Fact]
    public async Task Swagger_ui_is_served_at_docs()
    {
        var response = await api.CreateClient().GetAsync("/docs/index.html");
        await Expect.StatusAsync(response, 200);
        Assert.Contains("swagger", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_operation_with_its_errors()
    {
        var doc = await Expect.JsonAsync(await api.CreateClient().GetAsync("/openapi/v1.json"));
        var paths = doc.GetProperty("paths");
        var expected = new (string Path, string Method, string[] Statuses)[]
        {
            ("/api/me/profile", "get", ["200", "401"]),
            ("/api/me/profile", "put", ["200", "400", "401"]),
            ("/api/members/{id}", "get", ["200", "404"]),
            ("/api/members", "get", ["200", "400", "401"]),
            ("/api/me/credentials", "post", ["201", "400", "401", "409", "422"]),
            ("/api/me/credentials", "get", ["200", "400", "401"]),
            ("/api/me/credentials/{id}", "get", ["200", "401", "404"]),
            ("/api/admin/credentials", "get", ["200", "400", "401", "403"]),
            ("/api/admin/credentials/{id}/verify", "post", ["200", "401", "403", "404", "409"]),
            ("/api/admin/credentials/{id}/reject", "post", ["200", "400", "401", "403", "404", "409"]),
            ("/api/admin/members/{id}/roles", "post", ["200", "400", "401", "403", "404", "422"]),
            ("/api/admin/audit-log", "get", ["200", "400", "401", "403"]),
            ("/api/auth/register", "post", ["200", "400"]),
            ("/api/auth/login", "post", ["200"]),
        };
        foreach (var (path, method, statuses) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is missing from the OpenAPI document");
            Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} is missing");
            var responses = operation.GetProperty("responses");
            foreach (var status in statuses)
                Assert.True(responses.TryGetProperty(status, out _), $"{method} {path} does not document {status}");
        }
        // Request and response bodies have schemas.
        var put = paths.GetProperty("/api/me/profile").GetProperty("put");
        Assert.True(put.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(put.GetProperty("responses").GetProperty("400").GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
        => await Expect.ProblemAsync(await api.CreateClient().GetAsync("/api/nothing-here"), 404, "not_found");

    [Fact]
    public async Task A_wrong_method_is_a_405_problem()
        => await Expect.ProblemAsync(await api.CreateClient().DeleteAsync("/api/me/profile"), 405, "request.method_not_allowed");
}
