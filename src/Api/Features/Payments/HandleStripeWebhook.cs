using Assemble.Api.Hosting;
using Assemble.Domain.Payments;
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

    public sealed class Handler(AppDbContext db, PaymentSettlement settlement, RefundUpdates refunds, IOptions<StripeOptions> options, TimeProvider time,
        AssembleMetrics metrics, ILogger<Handler> logger)
    {
        public async Task<Outcome> HandleAsync(byte[] body, string? signature, CancellationToken cancellationToken)
        {
            var o = options.Value;
            var (check, stripeEvent) = StripeWebhookVerifier.Verify(body, signature, o.WebhookSecrets, time.GetUtcNow(), o.SignatureTolerance);
            Outcome outcome;
            switch (check)
            {
                case StripeWebhookVerifier.Check.MissingHeader or StripeWebhookVerifier.Check.BadSignature:
                    LogRejected(logger, check);
                    outcome = Outcome.BadSignature;
                    break;
                case StripeWebhookVerifier.Check.Malformed:
                    outcome = Outcome.Malformed;
                    break;
                case StripeWebhookVerifier.Check.OtherApiVersion:
                    // Not recorded: Stripe retries it for up to three days, and a compatible deployment can take it.
                    LogOtherApiVersion(logger, stripeEvent!.Id, stripeEvent.Type, stripeEvent.ApiVersion, StripeConfiguration.ApiVersion);
                    outcome = Outcome.OtherApiVersion;
                    break;
                default:
                    outcome = await ApplyAsync(stripeEvent!, cancellationToken);
                    break;
            }
            // The type only of a signed event: an unsigned body could name any type, one series each.
            metrics.WebhookReceived(stripeEvent?.Type ?? "unknown", OutcomeLabel(outcome));
            return outcome;
        }

        private async Task<Outcome> ApplyAsync(Event stripeEvent, CancellationToken cancellationToken)
        {
            var eventId = stripeEvent.Id;
            var type = stripeEvent.Type;
            var obj = stripeEvent.Data?.Object;
            if (type.StartsWith("refund.", StringComparison.Ordinal) || type == EventTypes.ChargeRefunded)
                return await refunds.ApplyAsync(eventId, type, obj, cancellationToken) ? Outcome.Handled : Outcome.Duplicate;
            if (!type.StartsWith("checkout.session.", StringComparison.Ordinal) || obj is not Session session)
                return await settlement.RecordOnlyAsync(eventId, type, cancellationToken) ? Outcome.Ignored : Outcome.Duplicate;

            var outcome = type switch
            {
                EventTypes.CheckoutSessionCompleted when session.PaymentStatus is "paid" or "no_payment_required" => SessionOutcome.Paid,
                EventTypes.CheckoutSessionCompleted => SessionOutcome.AwaitingAsyncPayment,
                EventTypes.CheckoutSessionAsyncPaymentSucceeded => SessionOutcome.Paid,
                EventTypes.CheckoutSessionAsyncPaymentFailed => SessionOutcome.Failed,
                EventTypes.CheckoutSessionExpired => SessionOutcome.Expired,
                _ => SessionOutcome.StillOpen,
            };

            // The session names its payment, and so does client_reference_id (our registration id for a ticket, the
            // payment's own id for dues). When they name two different payments, or none, nothing is changed: the event
            // is recorded for admins and answered 200, because Stripe sending it again cannot make it match.
            Guid? reference = Guid.TryParse(session.ClientReferenceId, out var parsed) ? parsed : null;
            var matches = await db.Payments.AsNoTracking()
                .Where(p => p.CheckoutSessionId == session.Id || (reference != null && (p.RegistrationId == reference || (p.Purpose == PaymentPurpose.Dues && p.Id == reference))))
                .Select(p => new { p.Id, p.EventId, p.CheckoutSessionId }).Take(2).ToListAsync(cancellationToken);
            var now = time.GetUtcNow();
            if (matches.Count != 1)
            {
                var kind = matches.Count == 0 ? PaymentProblemKind.UnmatchedEvent : PaymentProblemKind.ConflictingEvent;
                LogUnmatched(logger, eventId, type, session.Id, kind);
                var detail = matches.Count == 0
                    ? $"{type} for a session that matches no payment (client_reference_id {Shorten(session.ClientReferenceId)})."
                    : $"{type}: the session and client_reference_id name two different payments; nothing was changed.";
                return await settlement.RecordProblemAsync(eventId, type, new PaymentProblem(kind, null, matches.FirstOrDefault()?.EventId, eventId, session.Id, detail, now), cancellationToken)
                    ? Outcome.Ignored : Outcome.Duplicate;
            }
            var match = matches[0];
            if (match.CheckoutSessionId is not null && match.CheckoutSessionId != session.Id)
            {
                // Another session of the payment than its current one. Only money needs a person; an expiry does not.
                if (outcome is not (SessionOutcome.Paid or SessionOutcome.AwaitingAsyncPayment))
                    return await settlement.RecordOnlyAsync(eventId, type, cancellationToken) ? Outcome.Ignored : Outcome.Duplicate;
                LogUnmatched(logger, eventId, type, session.Id, PaymentProblemKind.UnmatchedEvent);
                return await settlement.RecordProblemAsync(eventId, type, new PaymentProblem(PaymentProblemKind.UnmatchedEvent, match.Id, match.EventId, eventId, session.Id,
                    $"{type} ({session.PaymentStatus}, {session.AmountTotal} {session.Currency}) for a session that is not the payment's current one.", now), cancellationToken)
                    ? Outcome.Ignored : Outcome.Duplicate;
            }
            var report = new SessionReport(outcome, session.Id, session.PaymentIntentId, session.AmountTotal, session.Currency,
                stripeEvent.Created == default ? null : new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc)));
            return await settlement.SettleAsync(match.Id, report, eventId, type, cancellationToken) ? Outcome.Handled : Outcome.Duplicate;
        }

        private static string OutcomeLabel(Outcome outcome) => outcome switch
        {
            Outcome.Handled => "handled",
            Outcome.Duplicate => "duplicate",
            Outcome.Ignored => "ignored",
            Outcome.BadSignature => "bad_signature",
            Outcome.Malformed => "malformed",
            _ => "other_api_version",
        };

        private static string Shorten(string? value) => value is null ? "none" : value.Length > 60 ? value[..60] : value;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe webhook refused: {Check}")]
    private static partial void LogRejected(ILogger logger, StripeWebhookVerifier.Check check);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe webhook {EventId} ({Type}) for session {SessionId} recorded as a payment problem: {Kind}")]
    private static partial void LogUnmatched(ILogger logger, string eventId, string type, string sessionId, PaymentProblemKind kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe webhook {EventId} ({Type}) refused: rendered with API version {ApiVersion}, we read {Expected}; create the endpoint with our version")]
    private static partial void LogOtherApiVersion(ILogger logger, string eventId, string type, string? apiVersion, string expected);
}
