using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Assemble.Api.IntegrationTests.Infrastructure;

/// <summary>
/// A local stand-in for api.stripe.com (Kestrel on 127.0.0.1, a random port) that Stripe.net talks to through its
/// ApiBase. It checks each request the way Stripe does — method, path, Bearer key, form content type,
/// Idempotency-Key on POST, required parameters — records it, answers objects Stripe.net parses (with their
/// <c>object</c> and <c>id</c>), replays the stored answer for a repeated idempotency key, and can be told to fail
/// or to hang.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    public const string ApiKey = "sk_test_fake_assemble";

    public sealed record Recorded(string Method, string Path, string Body, string? IdempotencyKey, string? StripeVersion, string? ContentType);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (int Status, string Body)> _byKey = new();
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _sessions = new();

    public ConcurrentQueue<Recorded> Requests { get; } = new();

    /// <summary>The form body of a recorded POST, decoded: bracketed keys to values.</summary>
    public static Dictionary<string, string> Form(string body)
        => body.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "");

    /// <summary>Answers to give before behaving normally, e.g. 500 then normal; consumed in order.</summary>
    public ConcurrentQueue<int> Failures { get; } = new();

    /// <summary>When set, requests hang this long (to provoke the client's timeout).</summary>
    public TimeSpan? Delay { get; set; }

    public string BaseUrl { get; private set; } = "";

    private FakeStripe(WebApplication app) => _app = app;

    public static async Task<FakeStripe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeStripe(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await new StreamReader(request.Body).ReadToEndAsync();
        var key = request.Headers["Idempotency-Key"].FirstOrDefault();
        Requests.Enqueue(new Recorded(request.Method, request.Path + request.QueryString, body, key, request.Headers["Stripe-Version"].FirstOrDefault(), request.ContentType));
        if (Delay is { } delay)
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // the client gave up (its timeout): nothing to answer
            }
        }

        if (request.Headers.Authorization.ToString() != $"Bearer {ApiKey}") { await Error(context, 401, "invalid_request_error", null, null, "Invalid API Key provided."); return; }
        if (HttpMethods.IsPost(request.Method))
        {
            if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) != true) { await Error(context, 400, "invalid_request_error", null, null, "Expected a form body."); return; }
            if (string.IsNullOrEmpty(key)) { await Error(context, 400, "invalid_request_error", "parameter_missing", "Idempotency-Key", "This test double requires an Idempotency-Key."); return; }
            if (_byKey.TryGetValue(key, out var stored)) { await Write(context, stored.Status, stored.Body); return; }
        }
        if (Failures.TryDequeue(out var failure))
        {
            var failed = JsonSerializer.Serialize(new { error = new { type = failure >= 500 ? "api_error" : "invalid_request_error", message = "Injected failure." } });
            await Write(context, failure, failed);
            return;
        }

        var form = Form(body);
        var (status, response) = (request.Method, request.Path.Value) switch
        {
            ("POST", "/v1/checkout/sessions") => CreateSession(form),
            ("GET", var p) when p!.StartsWith("/v1/checkout/sessions/", StringComparison.Ordinal) => GetSession(p["/v1/checkout/sessions/".Length..]),
            ("POST", "/v1/refunds") => (200, JsonSerializer.Serialize(new { id = "re_" + Guid.NewGuid().ToString("N"), @object = "refund", status = "succeeded", amount = long.Parse(form["amount"]), payment_intent = form["payment_intent"] })),
            _ => (404, JsonSerializer.Serialize(new { error = new { type = "invalid_request_error", code = "resource_missing", message = "Unrecognized request URL." } })),
        };
        if (HttpMethods.IsPost(request.Method) && status < 500) _byKey[key!] = (status, response);
        await Write(context, status, response);
    }

    private (int, string) CreateSession(Dictionary<string, string> form)
    {
        foreach (var required in new[] { "mode", "line_items[0][price_data][currency]", "line_items[0][price_data][unit_amount]", "line_items[0][price_data][product_data][name]", "line_items[0][quantity]", "success_url" })
            if (!form.ContainsKey(required))
                return (400, JsonSerializer.Serialize(new { error = new { type = "invalid_request_error", code = "parameter_missing", param = required, message = $"Missing required param: {required}." } }));
        if (long.Parse(form["expires_at"]) < DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds() - 5)
            return (400, JsonSerializer.Serialize(new { error = new { type = "invalid_request_error", code = "parameter_invalid_integer", param = "expires_at", message = "expires_at must be at least 30 minutes away." } }));
        var id = "cs_test_" + Guid.NewGuid().ToString("N");
        var session = new Dictionary<string, string> { ["id"] = id, ["client_reference_id"] = form.GetValueOrDefault("client_reference_id", ""), ["amount"] = form["line_items[0][price_data][unit_amount]"] };
        _sessions[id] = session;
        return (200, SessionJson(session, "open", "unpaid", null));
    }

    private (int, string) GetSession(string id) => _sessions.TryGetValue(id, out var s)
        ? (200, SessionJson(s, s.GetValueOrDefault("status", "open"), s.GetValueOrDefault("payment_status", "unpaid"), s.GetValueOrDefault("payment_intent")))
        : (404, JsonSerializer.Serialize(new { error = new { type = "invalid_request_error", code = "resource_missing", message = "No such checkout.session." } }));

    /// <summary>What Stripe would report once the buyer has paid (for the reconciliation job to find).</summary>
    public void MarkPaid(string sessionId)
    {
        var s = _sessions[sessionId];
        s["status"] = "complete";
        s["payment_status"] = "paid";
        s["payment_intent"] = "pi_" + sessionId[8..];
    }

    private static string SessionJson(Dictionary<string, string> s, string status, string paymentStatus, string? paymentIntent) => JsonSerializer.Serialize(new
    {
        id = s["id"], @object = "checkout.session", url = $"https://checkout.stripe.test/c/pay/{s["id"]}", status, payment_status = paymentStatus,
        payment_intent = paymentIntent, client_reference_id = s["client_reference_id"], amount_total = long.Parse(s["amount"]), currency = "jpy",
    });

    private static Task Error(HttpContext context, int status, string type, string? code, string? param, string message)
        => Write(context, status, JsonSerializer.Serialize(new { error = new { type, code, param, message } }));

    private static async Task Write(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["Request-Id"] = "req_" + Guid.NewGuid().ToString("N")[..14];
        await context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
