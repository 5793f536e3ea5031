using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Payments;

/// <summary>
/// Gives a held paid registration its Checkout Session, after the seat transaction has committed. The payment row
/// is stored with its terms (the registration's amount, the hold's end) before the first attempt; the session step
/// itself is <see cref="CheckoutSessions"/>, shared with dues. The seat stays held whatever Stripe does.
/// </summary>
public static class StartCheckout
{
    public static readonly Error Unavailable = new("payment.unavailable",
        "The payment service did not answer in time. Your seat is still held; try again shortly.", ErrorKind.Unavailable);

    public sealed class Handler(AppDbContext db, CheckoutSessions sessions, TimeProvider time)
    {
        public async Task<Result<Payment>> HandleAsync(Guid registrationId, CancellationToken cancellationToken)
        {
            var registration = await db.Registrations.SingleAsync(r => r.Id == registrationId, cancellationToken);
            var payment = await db.Payments.SingleOrDefaultAsync(p => p.RegistrationId == registrationId, cancellationToken);
            if (payment?.CheckoutSessionId is not null) return payment;
            if (registration.Status != RegistrationStatus.PendingPayment) return RegistrationErrors.NotCancellable;
            if (payment is null)
            {
                var now = time.GetUtcNow();
                payment = Payment.Start(registration.Id, registration.EventId, registration.MemberId, registration.AmountYen, now);
                await TermsAsync(registration, payment, now, cancellationToken);
                db.Payments.Add(payment);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
                {
                    // A second call for the same registration stored its payment first: use that one, and its terms.
                    db.ChangeTracker.Clear();
                    registration = await db.Registrations.SingleAsync(r => r.Id == registrationId, cancellationToken);
                    payment = await db.Payments.SingleAsync(p => p.RegistrationId == registrationId, cancellationToken);
                }
            }
            var opened = await sessions.OpenAsync(payment, (p, now, ct) => TermsAsync(registration, p, now, ct), terms => registration.ExtendHold(terms.ExpiresAt), cancellationToken);
            return opened.IsSuccess || opened.Error!.Code != CheckoutSessions.Unavailable.Code ? opened : Unavailable;
        }

        /// <summary>What this attempt sends, fixed now: the payment's amount, never the ticket's current price; the session lasts as long as the hold.</summary>
        private async Task<CheckoutTerms> TermsAsync(Registration registration, Payment payment, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var e = await db.Events.AsNoTracking().Include(x => x.TicketTypes).SingleAsync(x => x.Id == registration.EventId, cancellationToken);
            var (email, locale) = await sessions.BuyerAsync(registration.MemberId, cancellationToken);
            var ticketType = e.TicketTypes.First(t => t.Id == registration.TicketTypeId);
            return payment.TermsFor($"{e.Title}（{ticketType.Name}）", registration.Quantity, email, locale, registration.HoldExpiresAt!.Value,
                sessions.SuccessUrl, sessions.Page($"/checkout/cancel?registration={registration.Id}"), now);
        }
    }
}
