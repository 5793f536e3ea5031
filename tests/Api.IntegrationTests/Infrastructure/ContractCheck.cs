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
/// API's own OpenAPI document (operation found by the endpoint's method and route), and what breaks it is kept here.
/// </summary>
public sealed class ContractCheck : IStartupFilter
{
    private const int MaxCapturedBytes = 4 * 1024 * 1024;
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
        var original = context.Response.Body;
        await using var capture = new TeeStream(original, MaxCapturedBytes);
        context.Response.Body = capture;
        try
        {
            await next();
        }
        finally
        {
            context.Response.Body = original;
        }
        if (endpoints.Last is not RouteEndpoint { RoutePattern.RawText: { } pattern } || capture.Truncated) return;
        var contract = await ContractAsync(context.RequestServices);
        var method = context.Request.Method;
        var path = OpenApiContract.PathOf(pattern);
        if (!contract.Describes(method, path)) return;
        var status = context.Response.StatusCode;
        Seen.AddOrUpdate($"{method} {path} {status}", 1, (_, n) => n + 1);
        foreach (var violation in contract.Check(method, path, status, context.Response.ContentType, capture.Captured))
            Violations.Enqueue(violation);
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

    /// <summary>Writes through to the response and keeps a copy (up to a limit) for the check.</summary>
    private sealed class TeeStream(Stream inner, int limit) : Stream
    {
        private readonly MemoryStream _copy = new();

        public bool Truncated { get; private set; }

        public byte[] Captured => _copy.ToArray();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Keep(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Keep(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Keep(ReadOnlySpan<byte> bytes)
        {
            if (_copy.Length + bytes.Length > limit) Truncated = true;
            else _copy.Write(bytes);
        }
    }
}
