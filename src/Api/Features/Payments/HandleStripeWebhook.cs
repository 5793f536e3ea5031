using Assemble.Infrastructure.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace Assemble.Api.Features.Payments;

/// <summary>
/// Stripe's webhook: Stripe.net checks the signature on the raw bytes (400 and nothing changed when it fails) and
/// parses the typed event (422 and nothing recorded when it was rendered with another API release train); each event
/// id is recorded in the same transaction as its effect, so a repeat answers 200 and does nothing; handlers are
/// state-based, so an event that would move a registration backwards (an "expired" after "completed") is ignored.
/// </summary>
public static partial class HandleStripeWebhook
{
    public const int MaxBodyBytes = 512 * 1024;

    public enum Outcome { Handled, Duplicate, Ignored, BadSignature, Malformed, OtherApiVersion }

    public sealed class Handler(AppDbContext db, PaymentSettlement settlement, RefundUpdates refunds, IOptions<StripeOptions> options, TimeProvider time, ILogger<Handler> logger)
    {
        public async Task<Outcome> HandleAsync(byte[] body, string? signature, CancellationToken cancellationToken)
        {
            var o = options.Value;
            var (check, stripeEvent) = StripeWebhookVerifier.Verify(body, signature, o.WebhookSecrets, time.GetUtcNow(), o.SignatureTolerance);
            switch (check)
            {
                case StripeWebhookVerifier.Check.MissingHeader or StripeWebhookVerifier.Check.BadSignature:
                    LogRejected(logger, check);
                    return Outcome.BadSignature;
                case StripeWebhookVerifier.Check.Malformed:
                    return Outcome.Malformed;
                case StripeWebhookVerifier.Check.OtherApiVersion:
                    // Not recorded: Stripe retries it for up to three days, and a compatible deployment can take it.
                    LogOtherApiVersion(logger, stripeEvent!.Id, stripeEvent.Type, stripeEvent.ApiVersion, StripeConfiguration.ApiVersion);
                    return Outcome.OtherApiVersion;
            }

            var eventId = stripeEvent!.Id;
            var type = stripeEvent.Type;
            var obj = stripeEvent.Data?.Object;
            if (type.StartsWith("refund.", StringComparison.Ordinal) || type == EventTypes.ChargeRefunded)
                return await refunds.ApplyAsync(eventId, type, obj, cancellationToken) ? Outcome.Handled : Outcome.Duplicate;
            if (!type.StartsWith("checkout.session.", StringComparison.Ordinal) || obj is not Session session)
                return await settlement.RecordOnlyAsync(eventId, type, cancellationToken) ? Outcome.Ignored : Outcome.Duplicate;

            var registrationId = Guid.TryParse(session.ClientReferenceId, out var parsed) ? parsed : Guid.Empty;
            var paymentId = await db.Payments.Where(p => p.CheckoutSessionId == session.Id || p.RegistrationId == registrationId)
                .Select(p => (Guid?)p.Id).SingleOrDefaultAsync(cancellationToken);
            if (paymentId is null) return await settlement.RecordOnlyAsync(eventId, type, cancellationToken) ? Outcome.Ignored : Outcome.Duplicate;

            var outcome = type switch
            {
                EventTypes.CheckoutSessionCompleted when session.PaymentStatus is "paid" or "no_payment_required" => SessionOutcome.Paid,
                EventTypes.CheckoutSessionCompleted => SessionOutcome.AwaitingAsyncPayment,
                EventTypes.CheckoutSessionAsyncPaymentSucceeded => SessionOutcome.Paid,
                EventTypes.CheckoutSessionAsyncPaymentFailed => SessionOutcome.Failed,
                EventTypes.CheckoutSessionExpired => SessionOutcome.Expired,
                _ => SessionOutcome.StillOpen,
            };
            return await settlement.SettleAsync(paymentId.Value, outcome, session.PaymentIntentId, eventId, type, cancellationToken) ? Outcome.Handled : Outcome.Duplicate;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe webhook refused: {Check}")]
    private static partial void LogRejected(ILogger logger, StripeWebhookVerifier.Check check);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe webhook {EventId} ({Type}) refused: rendered with API version {ApiVersion}, we read {Expected}; create the endpoint with our version")]
    private static partial void LogOtherApiVersion(ILogger logger, string eventId, string type, string? apiVersion, string expected);
}
