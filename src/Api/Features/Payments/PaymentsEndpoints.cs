using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Assemble.Api.Common;
using Assemble.Api.Features.Registrations;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Assemble.Api.Common.OpenApi;

namespace Assemble.Api.Features.Payments;

public static class PaymentsEndpoints
{
    public static IServiceCollection AddPayments(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        // A key with a stray newline from a secrets file, or a zero time-out, would make Stripe.net's client throw
        // on every resolution — every registration a 500 — so they stop the start instead.
        services.AddOptions<StripeOptions>().Bind(configuration.GetSection(StripeOptions.Section))
            .Validate(o => o.ApiKey is null || !o.ApiKey.Trim().Any(char.IsWhiteSpace), "Stripe:ApiKey contains whitespace.")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.MaxRetries is >= 0 and <= 5, "Stripe:Timeout must be positive and Stripe:MaxRetries 0 to 5.")
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _), "Stripe:BaseUrl must be an absolute URL.")
            .ValidateOnStart();
        var stripe = configuration.GetSection(StripeOptions.Section).Get<StripeOptions>() ?? new StripeOptions();
        if (stripe.UsesSimulatedCheckout && !environment.IsProduction())
        {
            services.AddSingleton<SimulatedCheckoutGateway>();
            services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<SimulatedCheckoutGateway>());
        }
        else
        {
            // In Production without a key every checkout fails with payment.unavailable (and is logged): never simulated.
            services.AddSingleton<Stripe.IStripeClient>(sp => StripePaymentGateway.CreateClient(sp.GetRequiredService<IOptions<StripeOptions>>().Value));
            services.AddScoped<IPaymentGateway, StripePaymentGateway>();
        }
        services.AddOptions<PaymentOptions>().Bind(configuration.GetSection(PaymentOptions.Section))
            .Validate(o => o.CheckoutBudget >= TimeSpan.FromSeconds(1) && o.CheckoutBudget <= TimeSpan.FromSeconds(20),
                "Payments:CheckoutBudget must be 1 to 20 seconds: a member is never kept waiting longer.")
            .Validate(o => o.AsyncPaymentWindow >= TimeSpan.FromDays(1), "Payments:AsyncPaymentWindow must be at least a day (Konbini vouchers last 3).")
            .ValidateOnStart();
        return services
            .AddScoped<CheckoutSessions>()
            .AddScoped<StartCheckout.Handler>()
            .AddScoped<PaymentSettlement>()
            .AddScoped<RefundSettlement>()
            .AddScoped<RefundUpdates>()
            .AddScoped<RefundRegistration.Handler>()
            .AddScoped<ListEventPayments.Handler>()
            .AddScoped<ListMoneyProblems.Handler>()
            .AddScoped<HandleStripeWebhook.Handler>();
    }

    /// <summary>
    /// 503 problem+json when Stripe did not answer in time: the seat is held, and the answer says which registration,
    /// until when, and where to ask for the checkout again (Retry-After in seconds).
    /// </summary>
    public static ProblemHttpResult CheckoutUnavailable(HttpContext http, RegistrationView registration, Error error)
    {
        http.Response.Headers.RetryAfter = "10";
        http.Response.Headers.Location = $"/api/registrations/{registration.Id}";
        var problem = error.ToProblem();
        problem.ProblemDetails.Extensions["registrationId"] = registration.Id;
        problem.ProblemDetails.Extensions["holdExpiresAt"] = registration.HoldExpiresAt;
        problem.ProblemDetails.Extensions["retry"] = $"/api/registrations/{registration.Id}/checkout";
        return problem;
    }

    public static void MapPaymentsEndpoints(this IEndpointRouteBuilder app, IHostEnvironment environment)
    {
        app.MapCheckoutPages();
        app.MapPost("/api/payments/stripe/webhook", async Task<Results<Ok, ProblemHttpResult>> (HttpRequest request, HandleStripeWebhook.Handler handler, CancellationToken ct) =>
            {
                if (request.ContentLength > HandleStripeWebhook.MaxBodyBytes) return Problems.InvalidField("body", "Too large.", "webhook.invalid");
                using var buffer = new MemoryStream();
                await request.Body.CopyToAsync(buffer, ct);
                var outcome = await handler.HandleAsync(buffer.ToArray(), request.Headers["Stripe-Signature"].ToString(), ct);
                return outcome switch
                {
                    HandleStripeWebhook.Outcome.BadSignature => new Error("webhook.bad_signature", "The Stripe-Signature header does not match.", ErrorKind.Validation).ToProblem(),
                    HandleStripeWebhook.Outcome.Malformed => new Error("webhook.malformed", "Not a Stripe event.", ErrorKind.Validation).ToProblem(),
                    HandleStripeWebhook.Outcome.OtherApiVersion => new Error("webhook.api_version_mismatch",
                        $"Rendered with another API version than {Stripe.StripeConfiguration.ApiVersion}; set the endpoint's API version.", ErrorKind.Rule).ToProblem(),
                    _ => TypedResults.Ok(),
                };
            })
            .WithTags("Payments").WithName("HandleStripeWebhook").WithSummary("Receive a Stripe event").ProducesProblems(400, 422).DisableAntiforgery()
            .WithDescription("Stripe's webhook. Verifies Stripe-Signature on the raw body; repeats of an event id answer 200 and change nothing; "
                + "an event rendered with another API release train answers 422 and is not recorded.");

        app.MapPost("/api/registrations/{id:guid}/checkout", async Task<Results<Ok<RegistrationView>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, AppDbContext db, StartCheckout.Handler checkout, GetRegistration.Handler registrations, HttpContext http, CancellationToken ct) =>
            {
                var view = await registrations.HandleAsync(user, id, ct);
                if (!view.IsSuccess || view.Value!.Status != RegistrationStatus.PendingPayment || !await db.Registrations.AnyAsync(r => r.Id == id && r.MemberId == user.RequiredMemberId(), ct))
                    return (view.Error ?? RegistrationErrors.NotCancellable).ToProblem();
                var payment = await checkout.HandleAsync(id, ct);
                if (payment.IsSuccess) return TypedResults.Ok(view.Value with { CheckoutUrl = payment.Value!.CheckoutUrl, HoldExpiresAt = payment.Value.CheckoutExpiresAt ?? view.Value.HoldExpiresAt });
                return payment.Error == StartCheckout.Unavailable ? CheckoutUnavailable(http, view.Value, payment.Error) : payment.Error!.ToProblem();
            })
            .RequireAuthorization().WithTags("Payments").WithName(nameof(StartCheckout)).WithSummary("Get the checkout address of a held registration").ProducesProblems(401, 404, 409, 503)
            .WithDescription("The checkout address for your held registration (created once; the same session on every call). "
                + "503 payment.unavailable when Stripe did not answer in time: the seat stays held; retry after Retry-After seconds.");

        app.MapPost("/api/registrations/{id:guid}/refunds", async Task<Results<Created<RefundRegistration.Response>, ProblemHttpResult>> (
                Guid id, RefundRegistration.Request request, ClaimsPrincipal user, RefundRegistration.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user, id, request, ct);
                return result.IsSuccess ? TypedResults.Created($"/api/registrations/{id}", result.Value!) : result.Error!.ToProblem();
            })
            .RequireAuthorization().WithTags("Payments").WithName(nameof(RefundRegistration)).WithSummary("Refund a registration, fully or in part").ProducesProblems(400, 401, 403, 404, 409, 422)
            .WithDescription("Organizers refund a registration fully (no amount) or partly (amountYen); sent to Stripe by the payment job.");

        app.MapGet("/api/events/{id:guid}/payments", async Task<Results<Ok<ListEventPayments.Response>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, ListEventPayments.Handler handler, CancellationToken ct, string? cursor, int? limit) =>
            {
                if (!Cursor.TryRead(cursor, limit, out var after, out var take, out var problem)) return problem!;
                var result = await handler.HandleAsync(user, id, after, take, ct);
                return result.ToOk();
            })
            .RequireAuthorization().WithTags("Payments").WithName(nameof(ListEventPayments)).WithSummary("List an event's payments and totals")
            .WithDescription("The event's organizers: totals and each registration's payment and refund progress, keyset-paginated.").ProducesProblems(400, 401, 403, 404);
        app.MapGet("/api/events/{id:guid}/payments.csv", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, ListEventPayments.Handler handler, CancellationToken ct, string? lang) =>
            {
                if (!QueryValues.TryEnum<PreferredLanguage>(lang, "lang", out var language, out var problem)) return problem!;
                var result = await handler.HandleAsync(user, id, null, int.MaxValue - 1, ct);
                return result.IsSuccess
                    ? TypedResults.File(ListEventPayments.ToCsv(result.Value!, language ?? PreferredLanguage.Ja), "text/csv; charset=utf-8", $"payments-{id}.csv")
                    : result.Error!.ToProblem();
            })
            .RequireAuthorization().WithTags("Payments").WithName("ExportEventPayments").WithSummary("Export an event's payments as CSV")
            .WithDescription("The event's organizers: the payments as CSV, UTF-8 with a BOM for Excel, formulas neutralised.").ProducesText("text/csv").ProducesProblems(400, 401, 403, 404);

        app.MapGet("/api/events/{id:guid}/payments/problems", async Task<Results<Ok<ListMoneyProblems.Response>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, ListMoneyProblems.Handler handler, CancellationToken ct) => (await handler.ForEventAsync(user, id, ct)).ToOk())
            .RequireAuthorization().WithTags("Payments").WithName("ListEventMoneyProblems").WithSummary("List an event's payment and refund problems").ProducesProblems(401, 403, 404)
            .WithDescription("For the event's organizers: payment problems, refunds not yet settled with Stripe, refunds that failed (with the reason), payments held for review.");
        app.MapGet("/api/admin/payments/problems", async (ListMoneyProblems.Handler handler, CancellationToken ct) => TypedResults.Ok(await handler.AllAsync(ct)))
            .RequireAuthorization(Admin.AdminEndpoints.AdminPolicy).WithTags("Admin").WithName("ListMoneyProblems").WithSummary("List payment and refund problems across events").ProducesProblems(401, 403)
            .WithDescription("Every event's money problems, including Stripe events that match no payment.");

        if (environment.IsProduction()) return;
        var dev = app.MapGroup("/dev/checkout").ExcludeFromDescription();
        dev.MapGet("/{sessionId}", (string sessionId, IServiceProvider services) =>
        {
            if (services.GetService<SimulatedCheckoutGateway>()?.Find(sessionId) is not { } found) return Results.NotFound();
            var (request, session) = found;
            var html = $$"""
                <!doctype html><html lang="ja"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
                <title>Assemble 模擬決済</title>
                <body style="font-family:sans-serif;max-width:28rem;margin:2rem auto">
                <h1>模擬決済 / Simulated checkout</h1>
                <p>{{WebUtility.HtmlEncode(request.ProductName)}}</p>
                <p><strong>¥{{(request.UnitAmountYen * request.Quantity):N0}}</strong> ({{request.Quantity}})</p>
                <p>状態 / status: {{session.Status}} / {{session.PaymentStatus}}</p>
                <form method="post" action="/dev/checkout/{{sessionId}}/pay"><button>支払う / Pay</button></form>
                <form method="post" action="/dev/checkout/{{sessionId}}/cancel"><button>キャンセル / Cancel</button></form>
                <p><small>開発用の模擬画面です。本番では Stripe Checkout に置き換わります。</small></p>
                </body></html>
                """;
            return Results.Content(html, "text/html; charset=utf-8");
        });
        dev.MapPost("/{sessionId}/pay", (string sessionId, IServiceProvider services, CancellationToken ct)
            => SendAsync(sessionId, "checkout.session.completed", "complete", "paid", services, ct)).DisableAntiforgery();
        dev.MapPost("/{sessionId}/cancel", (string sessionId, IServiceProvider services, CancellationToken ct)
            => SendAsync(sessionId, "checkout.session.expired", "expired", "unpaid", services, ct)).DisableAntiforgery();
    }

    /// <summary>The simulated page's buttons: a correctly signed Stripe event, handled as the webhook handles Stripe's.</summary>
    private static async Task<IResult> SendAsync(string sessionId, string type, string status, string paymentStatus, IServiceProvider services, CancellationToken ct)
    {
        var simulated = services.GetService<SimulatedCheckoutGateway>();
        if (simulated?.Find(sessionId) is null) return Results.NotFound();
        var secret = services.GetRequiredService<IOptions<StripeOptions>>().Value.WebhookSecrets.FirstOrDefault();
        if (string.IsNullOrEmpty(secret)) return Results.Problem("Set Stripe:WebhookSecrets to use the simulated checkout.", statusCode: 500);
        var session = simulated.Complete(sessionId, status, paymentStatus);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = "evt_sim_" + Guid.NewGuid().ToString("N"),
            ["object"] = "event",
            ["type"] = type,
            ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
            ["created"] = now.ToUnixTimeSeconds(),
            ["livemode"] = false,
            ["data"] = new Dictionary<string, object?>
            {
                ["object"] = new Dictionary<string, object?>
                {
                    ["id"] = session.Id, ["object"] = "checkout.session", ["client_reference_id"] = session.ClientReferenceId,
                    ["status"] = session.Status, ["payment_status"] = session.PaymentStatus, ["payment_intent"] = session.PaymentIntentId,
                    ["amount_total"] = session.AmountTotal, ["currency"] = "jpy",
                },
            },
        });
        // Signed as Stripe signs (Stripe.net's own signer) and handed to the webhook's own handler in this process,
        // which verifies it like any delivery. Never an HTTP call to the request's Host, which a client can forge.
        var signature = Stripe.EventUtility.GenerateSignatureHeader(body, secret, now.ToUnixTimeSeconds());
        var outcome = await services.GetRequiredService<HandleStripeWebhook.Handler>().HandleAsync(Encoding.UTF8.GetBytes(body), signature, ct);
        var accepted = outcome is not (HandleStripeWebhook.Outcome.BadSignature or HandleStripeWebhook.Outcome.Malformed or HandleStripeWebhook.Outcome.OtherApiVersion);
        var done = paymentStatus == "paid" ? "お支払いが完了しました / Payment complete." : "キャンセルしました / Cancelled.";
        return Results.Content($"<!doctype html><meta charset=\"utf-8\"><p>{done}</p><p>webhook: {outcome}</p>", "text/html; charset=utf-8",
            Encoding.UTF8, accepted ? 200 : 502);
    }
}
