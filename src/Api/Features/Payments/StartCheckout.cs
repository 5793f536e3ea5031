using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Payments;

/// <summary>
/// Gives a held paid registration its Checkout Session, after the seat transaction has committed (no Stripe call
/// ever happens under a seat lock). The payment row and its idempotency key are stored before the first attempt,
/// so a retry (or a second request) reuses the same key and gets the same session.
/// </summary>
public static class StartCheckout
{
    public static readonly Error Unavailable = new("payment.unavailable", "The payment service could not be reached. Your seat is held; try again shortly.", ErrorKind.Conflict);

    /// <summary>Checkout's minimum lifetime is 30 minutes; one more keeps a margin for clock differences.</summary>
    public static readonly TimeSpan MinimumSession = TimeSpan.FromMinutes(31);

    public sealed class Handler(AppDbContext db, IPaymentGateway gateway, TimeProvider time, Infrastructure.Email.PublicLinks links)
    {
        public async Task<Result<Payment>> HandleAsync(Guid registrationId, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var registration = await db.Registrations.SingleAsync(r => r.Id == registrationId, cancellationToken);
            var payment = await db.Payments.SingleOrDefaultAsync(p => p.RegistrationId == registrationId, cancellationToken);
            if (payment?.CheckoutSessionId is not null || registration.Status != RegistrationStatus.PendingPayment) return payment is null ? RegistrationErrors.NotCancellable : payment;

            if (payment is null)
            {
                payment = Payment.Start(registration.Id, registration.EventId, registration.MemberId, registration.AmountYen, now);
                db.Payments.Add(payment);
                await db.SaveChangesAsync(cancellationToken);
            }

            var e = await db.Events.AsNoTracking().Include(x => x.TicketTypes).SingleAsync(x => x.Id == registration.EventId, cancellationToken);
            var member = await db.Users.Where(u => u.Id == registration.MemberId).Select(u => u.Email).SingleAsync(cancellationToken);
            var language = await db.MemberProfiles.Where(p => p.Id == registration.MemberId).Select(p => (Domain.Members.PreferredLanguage?)p.PreferredLanguage).SingleOrDefaultAsync(cancellationToken);
            var ticketType = e.TicketTypes.First(t => t.Id == registration.TicketTypeId);
            // The hold lasts at least as long as the session; the session at least Checkout's minimum.
            var expiresAt = registration.HoldExpiresAt!.Value < now + MinimumSession ? now + MinimumSession : registration.HoldExpiresAt.Value;
            // Stripe's return pages on the public address, never the request's Host (concatenated: Stripe's
            // {CHECKOUT_SESSION_ID} placeholder must reach it unescaped).
            var baseUrl = links.BaseUrl.ToString().TrimEnd('/');
            var request = new CheckoutRequest(
                registration.Id, $"{e.Title}（{ticketType.Name}）", ticketType.PriceFor(), registration.Quantity, member!,
                language == Domain.Members.PreferredLanguage.En ? "en" : "ja", expiresAt,
                $"{baseUrl}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}", $"{baseUrl}/checkout/cancel?registration={registration.Id}");
            try
            {
                var session = await gateway.CreateCheckoutSessionAsync(request, payment.CheckoutIdempotencyKey, cancellationToken);
                payment.AttachSession(session.Id, session.Url, expiresAt);
                registration.ExtendHold(expiresAt);
                await db.SaveChangesAsync(cancellationToken);
                return payment;
            }
            catch (PaymentGatewayException)
            {
                // Logged by the client with Stripe's Request-Id; the hold stays and the member can retry.
                return Unavailable;
            }
        }
    }
}
