using System.Text.Json;
using Assemble.Api.Features.Registrations;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
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

    public sealed class Handler(AppDbContext db, SeatKeeper seats, IOptions<StripeOptions> options, TimeProvider time, ILogger<Handler> logger)
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

            if (!type.StartsWith("checkout.session.", StringComparison.Ordinal)) return await RecordOnlyAsync(eventId, type, now, cancellationToken);

            var reference = obj.TryGetProperty("client_reference_id", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            var sessionId = obj.TryGetProperty("id", out var s) ? s.GetString() : null;
            var registrationId = Guid.TryParse(reference, out var parsed) ? parsed : Guid.Empty;
            var payment = await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.CheckoutSessionId == sessionId || p.RegistrationId == registrationId, cancellationToken);
            if (payment is null) return await RecordOnlyAsync(eventId, type, now, cancellationToken);

            var locked = await seats.LockAsync(payment.EventId, cancellationToken);
            if (locked is not { } l) return await RecordOnlyAsync(eventId, type, now, cancellationToken);
            await using var transaction = l.Transaction;
            if (!await RecordAsync(eventId, type, now, cancellationToken)) return Outcome.Duplicate;

            var e = l.Event;
            payment = await db.Payments.SingleAsync(p => p.Id == payment.Id, cancellationToken);
            var registration = await db.Registrations.SingleAsync(x => x.Id == payment.RegistrationId, cancellationToken);
            var paymentIntent = obj.TryGetProperty("payment_intent", out var pi) && pi.ValueKind == JsonValueKind.String ? pi.GetString() : null;
            var paymentStatus = obj.TryGetProperty("payment_status", out var ps) ? ps.GetString() : null;

            switch (type)
            {
                case "checkout.session.completed" when paymentStatus is "paid" or "no_payment_required":
                case "checkout.session.async_payment_succeeded":
                    if (payment.MarkPaid(paymentIntent, now)) ConfirmSeat(e, registration, payment, now);
                    break;
                case "checkout.session.completed":
                    payment.MarkAwaitingAsyncPayment(paymentIntent);
                    break;
                case "checkout.session.async_payment_failed":
                case "checkout.session.expired":
                    if (payment.MarkUnpaid(type.EndsWith("expired", StringComparison.Ordinal) ? PaymentStatus.Expired : PaymentStatus.Failed)
                        && registration.EndHoldUnpaid(now))
                    {
                        e.ReleaseSeats(registration.TicketTypeId, registration.Quantity);
                        db.DomainEvents.Add(new DomainEvent(DomainEventTypes.HoldExpired, e.Id, registration.MemberId, registration.Id, now, type));
                        await seats.OfferFreeSeatsAsync(e, now, cancellationToken);
                    }
                    break;
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Outcome.Handled;
        }

        /// <summary>
        /// The money arrived: a held seat is confirmed. A payment that completes after its hold expired gets a seat
        /// if one is free now (taken under this same lock); otherwise it is refunded, and everyone is told why.
        /// A paid registration beyond capacity never exists.
        /// </summary>
        private void ConfirmSeat(Event e, Registration registration, Payment payment, DateTimeOffset now)
        {
            if (registration.ConfirmPayment(now))
            {
                db.DomainEvents.Add(new DomainEvent(DomainEventTypes.RegistrationConfirmed, e.Id, registration.MemberId, registration.Id, now, "paid"));
                return;
            }
            if (registration.Status == RegistrationStatus.Expired && e.StatusAt(now) == EventStatus.Published && !e.HasStarted(now)
                && e.TryTakeSeats(registration.TicketTypeId, registration.Quantity) && registration.ConfirmLatePayment(now))
            {
                db.DomainEvents.Add(new DomainEvent(DomainEventTypes.RegistrationConfirmed, e.Id, registration.MemberId, registration.Id, now, "late_payment"));
                return;
            }
            payment.MarkRefundDue();
            db.DomainEvents.Add(new DomainEvent(DomainEventTypes.RefundRequested, e.Id, registration.MemberId, registration.Id, now,
                $"late_payment_no_seat;amount={payment.AmountYen}"));
        }

        private async Task<bool> RecordAsync(string eventId, string type, DateTimeOffset now, CancellationToken cancellationToken)
            => await db.Database.ExecuteSqlAsync(
                $"INSERT INTO processed_stripe_events (id, type, processed_at) VALUES ({eventId}, {type}, {now}) ON CONFLICT (id) DO NOTHING",
                cancellationToken) == 1;

        private async Task<Outcome> RecordOnlyAsync(string eventId, string type, DateTimeOffset now, CancellationToken cancellationToken)
            => await RecordAsync(eventId, type, now, cancellationToken) ? Outcome.Ignored : Outcome.Duplicate;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe webhook refused: {Check}")]
    private static partial void LogRejected(ILogger logger, SignatureCheck check);
}
