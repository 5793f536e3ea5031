using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Assemble.Api.IntegrationTests.Infrastructure;

/// <summary>
/// Test-only middleware, outermost in the pipeline: every answer the API gives to a test is checked against the
/// API's own OpenAPI document (operation found by the endpoint's method and route). An answer that breaks it is kept
/// here and replaced by a 500 that says why, so the test that made the call fails at that call.
/// </summary>
public sealed class ContractCheck : IStartupFilter
{
    private static readonly SemaphoreSlim Loading = new(1, 1);
    private static OpenApiContract? _contract;

    public ConcurrentQueue<string> Violations { get; } = new();

    /// <summary>"METHOD /path status" of every documented answer checked.</summary>
    public ConcurrentDictionary<string, int> Seen { get; } = new();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(CheckAsync);
        next(app);
    };

    private async Task CheckAsync(HttpContext context, Func<Task> next)
    {
        // Routing sets the endpoint, and the exception handler clears it before writing its problem: keep the last one set.
        var endpoints = new RememberedEndpoint();
        context.Features.Set<IEndpointFeature>(endpoints);
        // The whole answer is held back until it is checked, so a broken one can still be replaced.
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var buffer = new MemoryStream();
        var held = new StreamResponseBodyFeature(buffer);
        context.Features.Set<IHttpResponseBodyFeature>(held);
        try
        {
            await next();
            await held.CompleteAsync();
        }
        finally
        {
            context.Features.Set(original);
        }

        if (endpoints.Last is RouteEndpoint { RoutePattern.RawText: { } pattern })
        {
            var contract = await ContractAsync(context.RequestServices);
            var method = context.Request.Method;
            var path = OpenApiContract.PathOf(pattern);
            if (contract.Describes(method, path))
            {
                var status = context.Response.StatusCode;
                Seen.AddOrUpdate($"{method} {path} {status}", 1, (_, n) => n + 1);
                var violations = contract.Check(method, path, status, context.Response.ContentType, buffer.ToArray());
                if (violations.Count > 0)
                {
                    foreach (var violation in violations) Violations.Enqueue(violation);
                    // The test that made the call fails where it happened: its status check shows this text.
                    context.Response.Clear();
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.WriteAsync("The answer broke /openapi/v1.json (ContractCheck): " + string.Join("\n", violations));
                    return;
                }
            }
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original.Stream);
    }

    /// <summary>The document this API serves, read once per test run (every factory serves the same paths and schemas).</summary>
    public static async Task<OpenApiContract> ContractAsync(IServiceProvider services)
    {
        if (_contract is not null) return _contract;
        await Loading.WaitAsync();
        try
        {
            return _contract ??= new OpenApiContract(await DocumentAsync(services));
        }
        finally
        {
            Loading.Release();
        }
    }

    public static async Task<JsonNode> DocumentAsync(IServiceProvider services)
    {
        var document = await services.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1").GetOpenApiDocumentAsync();
        using var buffer = new MemoryStream();
        await document.SerializeAsJsonAsync(buffer, OpenApiSpecVersion.OpenApi3_1);
        return JsonNode.Parse(buffer.ToArray())!;
    }

    private sealed class RememberedEndpoint : IEndpointFeature
    {
        private Endpoint? _endpoint;

        public Endpoint? Last { get; private set; }

        public Endpoint? Endpoint
        {
            get => _endpoint;
            set
            {
                _endpoint = value;
                if (value is not null) Last = value;
            }
        }
    }
}
