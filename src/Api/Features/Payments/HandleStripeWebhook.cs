using System.Text.Json;
using Assemble.Infrastructure.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Payments;

/// <summary>
/// Stripe's webhook: the signature is checked on the raw bytes (400 and nothing changed when it fails); each event
/// id is recorded in the same transaction as its effect, so a repeat answers 200 and does nothing; handlers are
/// state-based, so an event that would move a registration backwards (an "expired" after "completed") is ignored.
/// </summary>
public static partial class HandleStripeWebhook
{
    public const int MaxBodyBytes = 512 * 1024;

    public enum Outcome { Handled, Duplicate, Ignored, BadSignature, Malformed }

    public sealed class Handler(AppDbContext db, PaymentSettlement settlement, RefundUpdates refunds, IOptions<StripeOptions> options, TimeProvider time, ILogger<Handler> logger)
    {
        public async Task<Outcome> HandleAsync(byte[] body, string? signature, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var check = StripeSignature.Verify(signature, body, options.Value.WebhookSecrets, now, options.Value.SignatureTolerance);
            if (check != SignatureCheck.Valid)
            {
                LogRejected(logger, check);
                return Outcome.BadSignature;
            }

            string eventId, type;
            JsonElement obj;
            try
            {
                using var doc = JsonDocument.Parse(body);
                eventId = doc.RootElement.GetProperty("id").GetString()!;
                type = doc.RootElement.GetProperty("type").GetString()!;
                obj = doc.RootElement.GetProperty("data").GetProperty("object").Clone();
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return Outcome.Malformed;
            }

            if (type.StartsWith("refund.", StringComparison.Ordinal) || type == "charge.refunded")
                return await refunds.ApplyAsync(eventId, type, obj, cancellationToken) ? Outcome.Handled : Outcome.Duplicate;
            if (!type.StartsWith("checkout.session.", StringComparison.Ordinal))
                return await settlement.RecordOnlyAsync(eventId, type, cancellationToken) ? Outcome.Ignored : Outcome.Duplicate;

            var reference = obj.TryGetProperty("client_reference_id", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            var sessionId = obj.TryGetProperty("id", out var s) ? s.GetString() : null;
            var registrationId = Guid.TryParse(reference, out var parsed) ? parsed : Guid.Empty;
            var paymentId = await db.Payments.Where(p => p.CheckoutSessionId == sessionId || p.RegistrationId == registrationId)
                .Select(p => (Guid?)p.Id).SingleOrDefaultAsync(cancellationToken);
            if (paymentId is null) return await settlement.RecordOnlyAsync(eventId, type, cancellationToken) ? Outcome.Ignored : Outcome.Duplicate;

            var paymentIntent = obj.TryGetProperty("payment_intent", out var pi) && pi.ValueKind == JsonValueKind.String ? pi.GetString() : null;
            var paymentStatus = obj.TryGetProperty("payment_status", out var ps) ? ps.GetString() : null;
            var outcome = type switch
            {
                "checkout.session.completed" when paymentStatus is "paid" or "no_payment_required" => SessionOutcome.Paid,
                "checkout.session.completed" => SessionOutcome.AwaitingAsyncPayment,
                "checkout.session.async_payment_succeeded" => SessionOutcome.Paid,
                "checkout.session.async_payment_failed" => SessionOutcome.Failed,
                "checkout.session.expired" => SessionOutcome.Expired,
                _ => SessionOutcome.StillOpen,
            };
            return await settlement.SettleAsync(paymentId.Value, outcome, paymentIntent, eventId, type, cancellationToken) ? Outcome.Handled : Outcome.Duplicate;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe webhook refused: {Check}")]
    private static partial void LogRejected(ILogger logger, SignatureCheck check);
}
