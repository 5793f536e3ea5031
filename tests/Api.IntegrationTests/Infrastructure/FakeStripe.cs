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
    private readonly ConcurrentDictionary<string, (string Request, int Status, string Body)> _byKey = new();
    private readonly ConcurrentDictionary<string, byte> _inFlight = new();
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _sessions = new();
    private readonly ConcurrentDictionary<string, (string PaymentIntent, string Json)> _refunds = new();
    private int _loseAnswers;

    /// <summary>
    /// The next this many requests whose path starts with <see cref="LoseAnswersOn"/> are carried out (and their answer
    /// stored under the idempotency key, as Stripe does), then the connection is dropped before the answer leaves.
    /// </summary>
    public void LoseAnswers(string pathPrefix, int count)
    {
        LoseAnswersOn = pathPrefix;
        Volatile.Write(ref _loseAnswers, count);
    }

    public string? LoseAnswersOn { get; private set; }

    /// <summary>GETs of sessions whose id starts with this answer 500 with Stripe-Should-Retry: false, every time.</summary>
    public const string BrokenSessionPrefix = "cs_test_broken_";

    /// <summary>Refunds Stripe has carried out, by id (each one is money that left the account).</summary>
    public IReadOnlyCollection<string> RefundsMade => _refunds.Keys.ToList();

    /// <summary>The PaymentIntent a refund Stripe made belongs to.</summary>
    public string? RefundIntent(string refundId) => _refunds.TryGetValue(refundId, out var r) ? r.PaymentIntent : null;

    public ConcurrentQueue<Recorded> Requests { get; } = new();

    /// <summary>The query Stripe.net sends to have a session's PaymentIntent expanded (as recorded in <see cref="Recorded.Path"/>).</summary>
    public const string ExpandIntent = "expand[0]=payment_intent";

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
            // Two requests with the same key in flight at once: Stripe answers the second 409 (Stripe.net retries it).
            if (!_inFlight.TryAdd(key, 0))
            {
                await Error(context, 409, "idempotency_error", null, null, "There is currently another in-progress request using this Idempotency Key. Please try again later.");
                return;
            }
            try
            {
                if (_byKey.TryGetValue(key, out var stored))
                {
                    // Stripe compares the parameters of a repeated key and refuses different ones.
                    if (stored.Request != request.Path + "?" + body)
                    {
                        await Error(context, 400, "idempotency_error", null, null, "Keys for idempotent requests can only be used with the same parameters they were first used with.");
                        return;
                    }
                    if (AnswerLost(context)) return;
                    await Write(context, stored.Status, stored.Body);
                    return;
                }
                await HandleUnstoredAsync(context, request, body, key);
            }
            finally
            {
                _inFlight.TryRemove(key, out _);
            }
            return;
        }
        await HandleUnstoredAsync(context, request, body, key);
    }

    /// <summary>A request not answered from the idempotency store: injected failures, then Stripe's behaviour.</summary>
    private async Task HandleUnstoredAsync(HttpContext context, HttpRequest request, string body, string? key)
    {
        if (HttpMethods.IsGet(request.Method) && request.Path.StartsWithSegments("/v1/checkout/sessions") && request.Path.Value!.Contains(BrokenSessionPrefix, StringComparison.Ordinal))
        {
            // A session Stripe keeps failing to answer about, and says so (no retry).
            context.Response.Headers["Stripe-Should-Retry"] = "false";
            await Error(context, 500, "api_error", null, null, "Injected failure for a broken session.");
            return;
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
            ("POST", var p) when p!.StartsWith("/v1/checkout/sessions/", StringComparison.Ordinal) && p.EndsWith("/expire", StringComparison.Ordinal)
                => ExpireSession(p["/v1/checkout/sessions/".Length..^"/expire".Length]),
            ("GET", var p) when p!.StartsWith("/v1/checkout/sessions/", StringComparison.Ordinal)
                => GetSession(p["/v1/checkout/sessions/".Length..], request.Query.Any(q => q.Key.StartsWith("expand", StringComparison.Ordinal) && q.Value == "payment_intent")),
            ("POST", "/v1/refunds") => CreateRefund(form),
            ("GET", "/v1/refunds") => ListRefunds(request.Query["payment_intent"].ToString()),
            _ => (404, JsonSerializer.Serialize(new { error = new { type = "invalid_request_error", code = "resource_missing", message = "Unrecognized request URL." } })),
        };
        if (HttpMethods.IsPost(request.Method) && status < 500) _byKey[key!] = (request.Path + "?" + body, status, response);
        if (AnswerLost(context)) return;
        await Write(context, status, response);
    }

    /// <summary>Carried out (or replayed), but the answer never arrives: the connection drops.</summary>
    private bool AnswerLost(HttpContext context)
    {
        if (LoseAnswersOn is not { } lose || !context.Request.Path.StartsWithSegments(lose) || Interlocked.Decrement(ref _loseAnswers) < 0) return false;
        context.Abort();
        return true;
    }

    private (int, string) CreateRefund(Dictionary<string, string> form)
    {
        var intent = form["payment_intent"];
        var amount = long.Parse(form["amount"]);
        var refunded = _refunds.Values.Where(r => r.PaymentIntent == intent).Sum(r => JsonDocument.Parse(r.Json).RootElement.GetProperty("amount").GetInt64());
        var paid = _sessions.Values.FirstOrDefault(s => s.GetValueOrDefault("payment_intent") == intent) is { } s ? long.Parse(s["amount"]) : long.MaxValue;
        if (refunded + amount > paid)
            return (400, JsonSerializer.Serialize(new { error = new { type = "invalid_request_error", code = "amount_too_large", param = "amount", message = "Refund amount is greater than unrefunded amount on charge." } }));
        var id = "re_" + Guid.NewGuid().ToString("N");
        var json = JsonSerializer.Serialize(new
        {
            id, @object = "refund", status = "succeeded", amount, currency = "jpy", payment_intent = intent,
            metadata = form.Where(p => p.Key.StartsWith("metadata[", StringComparison.Ordinal)).ToDictionary(p => p.Key["metadata[".Length..^1], p => p.Value),
        });
        _refunds[id] = (intent, json);
        return (200, json);
    }

    private (int, string) ListRefunds(string paymentIntent)
        => (200, $"{{\"object\":\"list\",\"url\":\"/v1/refunds\",\"has_more\":false,\"data\":[{string.Join(",", _refunds.Values.Where(r => r.PaymentIntent == paymentIntent).Select(r => r.Json))}]}}");

    private (int, string) ExpireSession(string id)
    {
        if (!_sessions.TryGetValue(id, out var s)) return GetSession(id);
        if (s.GetValueOrDefault("status", "open") != "open")
            return (400, JsonSerializer.Serialize(new { error = new { type = "invalid_request_error", message = $"Only Checkout Sessions with a status in [\"open\"] can be expired. This Checkout Session has a status of \"{s["status"]}\"." } }));
        s["status"] = "expired";
        return GetSession(id);
    }

    private (int, string) CreateSession(Dictionary<string, string> form)
    {
        foreach (var required in new[] { "mode", "line_items[0][price_data][currency]", "line_items[0][price_data][unit_amount]", "line_items[0][price_data][product_data][name]", "line_items[0][quantity]", "success_url" })
            if (!form.ContainsKey(required))
                return (400, JsonSerializer.Serialize(new { error = new { type = "invalid_request_error", code = "parameter_missing", param = required, message = $"Missing required param: {required}." } }));
        if (long.Parse(form["expires_at"]) < DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds() - 5)
            return (400, JsonSerializer.Serialize(new { error = new { type = "invalid_request_error", code = "parameter_invalid_integer", param = "expires_at", message = "expires_at must be at least 30 minutes away." } }));
        var id = "cs_test_" + Guid.NewGuid().ToString("N");
        var session = new Dictionary<string, string>
        {
            ["id"] = id, ["client_reference_id"] = form.GetValueOrDefault("client_reference_id", ""),
            ["amount"] = (long.Parse(form["line_items[0][price_data][unit_amount]"]) * long.Parse(form["line_items[0][quantity]"])).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["currency"] = form["line_items[0][price_data][currency]"],
        };
        _sessions[id] = session;
        return (200, SessionJson(session, "open", "unpaid", null));
    }

    /// <param name="expandIntent">As Stripe does for expand[]=payment_intent: the PaymentIntent as an object, with its creation time.</param>
    private (int, string) GetSession(string id, bool expandIntent = false) => _sessions.TryGetValue(id, out var s)
        ? (200, SessionJson(s, s.GetValueOrDefault("status", "open"), s.GetValueOrDefault("payment_status", "unpaid"), s.GetValueOrDefault("payment_intent"), expandIntent))
        : (404, JsonSerializer.Serialize(new { error = new { type = "invalid_request_error", code = "resource_missing", message = "No such checkout.session." } }));

    /// <summary>
    /// The buyer pays on Stripe's page, at <paramref name="at"/> (now unless given), for the reconciliation job to find.
    /// False when the session is no longer open: nobody can pay it.
    /// </summary>
    public bool MarkPaid(string sessionId, DateTimeOffset? at = null)
    {
        var s = _sessions[sessionId];
        if (s.GetValueOrDefault("status", "open") != "open") return false;
        s["status"] = "complete";
        s["payment_status"] = "paid";
        s["payment_intent"] = "pi_" + sessionId[8..];
        s["intent_created"] = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>The buyer chose Konbini: Checkout is complete, the money comes later (or never).</summary>
    public void MarkKonbiniStarted(string sessionId)
    {
        var s = _sessions[sessionId];
        s["status"] = "complete";
        s["payment_status"] = "unpaid";
        s["payment_intent"] = "pi_" + sessionId[8..];
        s["intent_created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Sets what Stripe reports as the session's total (e.g. a mismatch).</summary>
    public void Report(string sessionId, long amount, string currency)
    {
        _sessions[sessionId]["amount"] = amount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _sessions[sessionId]["currency"] = currency;
    }

    /// <summary>Stripe forgets the session (it answers 404 from now on).</summary>
    public void Forget(string sessionId) => _sessions.TryRemove(sessionId, out _);

    public string? StatusOf(string sessionId) => _sessions.TryGetValue(sessionId, out var s) ? s.GetValueOrDefault("status", "open") : null;

    private static string SessionJson(Dictionary<string, string> s, string status, string paymentStatus, string? paymentIntent, bool expandIntent = false) => JsonSerializer.Serialize(new
    {
        id = s["id"], @object = "checkout.session", url = $"https://checkout.stripe.test/c/pay/{s["id"]}", status, payment_status = paymentStatus,
        payment_intent = expandIntent && paymentIntent is not null
            ? new { id = paymentIntent, @object = "payment_intent", created = long.Parse(s.GetValueOrDefault("intent_created", "0"), System.Globalization.CultureInfo.InvariantCulture) }
            : (object?)paymentIntent,
        client_reference_id = s["client_reference_id"], amount_total = long.Parse(s["amount"]), currency = s["currency"],
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
