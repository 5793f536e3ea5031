using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Payments;

/// <summary>
/// Gives a held paid registration its Checkout Session, after the seat transaction has committed (no Stripe call
/// ever happens under a seat lock). The payment row, its idempotency key and the session's terms (the
/// registration's amount, the expiry, everything sent) are stored before the first attempt, so a retry sends the
/// very same request under the same key and gets the same session. The member waits at most
/// <see cref="PaymentOptions.CheckoutBudget"/>, whatever Stripe does; the seat stays held either way.
/// </summary>
public static partial class StartCheckout
{
    public static readonly Error Unavailable = new("payment.unavailable",
        "The payment service did not answer in time. Your seat is still held; try again shortly.", ErrorKind.Unavailable);

    public sealed partial class Handler(AppDbContext db, IPaymentGateway gateway, TimeProvider time, Infrastructure.Email.PublicLinks links,
        IOptions<PaymentOptions> options, ILogger<Handler> logger)
    {
        public async Task<Result<Payment>> HandleAsync(Guid registrationId, CancellationToken cancellationToken)
        {
            var registration = await db.Registrations.SingleAsync(r => r.Id == registrationId, cancellationToken);
            var payment = await db.Payments.SingleOrDefaultAsync(p => p.RegistrationId == registrationId, cancellationToken);
            if (payment?.CheckoutSessionId is not null) return payment;
            if (registration.Status != RegistrationStatus.PendingPayment) return RegistrationErrors.NotCancellable;

            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(options.Value.CheckoutBudget);
            // A refused attempt (Stripe stored its answer under the key) gets one more, under a new key, at once.
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var now = time.GetUtcNow();
                if (payment is null)
                {
                    payment = Payment.Start(registration.Id, registration.EventId, registration.MemberId, registration.AmountYen, now);
                    db.Payments.Add(payment);
                }
                var isNew = db.Entry(payment).State == EntityState.Added;
                var terms = payment.CheckoutTerms ?? await TermsAsync(payment, registration, now, cancellationToken);
                try
                {
                    if (!isNew && db.Entry(payment).Property(p => p.CheckoutTerms).IsModified)
                    {
                        // Two calls at once may both have made terms for this attempt: only the first to store them sends them.
                        await db.Database.ExecuteSqlAsync(
                            $"UPDATE payments SET checkout_terms = {Infrastructure.Persistence.Configurations.PaymentConfiguration.TermsJson(terms)}::jsonb WHERE id = {payment.Id} AND checkout_terms IS NULL AND checkout_attempt = {payment.CheckoutAttempt}",
                            cancellationToken);
                        await db.Entry(payment).ReloadAsync(cancellationToken);
                        if (payment.CheckoutSessionId is not null) return payment;
                        if (payment.CheckoutTerms is not { } winner) continue;
                        terms = winner;
                    }
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
                {
                    // A second call for the same registration stored its payment first: use that one, and its terms.
                    db.ChangeTracker.Clear();
                    registration = await db.Registrations.SingleAsync(r => r.Id == registrationId, cancellationToken);
                    payment = await db.Payments.SingleAsync(p => p.RegistrationId == registrationId, cancellationToken);
                    if (payment.CheckoutSessionId is not null) return payment;
                    terms = payment.CheckoutTerms ?? await TermsAsync(payment, registration, now, cancellationToken);
                    await db.SaveChangesAsync(cancellationToken);
                }
                try
                {
                    var session = await gateway.CreateCheckoutSessionAsync(registration.Id, terms, payment.CheckoutIdempotencyKey, budget.Token);
                    payment.AttachSession(session.Id, session.Url, terms.ExpiresAt);
                    registration.ExtendHold(terms.ExpiresAt);
                    await db.SaveChangesAsync(cancellationToken);
                    return payment;
                }
                catch (PaymentGatewayException e) when (e.KeySpent)
                {
                    // Logged by the gateway with Stripe's Request-Id. No address was ever handed out under this key.
                    payment.RetireCheckoutKey();
                    await db.SaveChangesAsync(cancellationToken);
                    if (!e.Refused) return Unavailable;
                }
                catch (PaymentGatewayException)
                {
                    // No answer: Stripe may have created the session. The next call repeats the stored request and learns it.
                    return Unavailable;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    LogOverBudget(logger, registrationId, options.Value.CheckoutBudget);
                    return Unavailable;
                }
            }
            return Unavailable;
        }

        /// <summary>What this attempt sends, fixed now: the payment's amount, never the ticket's current price.</summary>
        private async Task<CheckoutTerms> TermsAsync(Payment payment, Registration registration, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var e = await db.Events.AsNoTracking().Include(x => x.TicketTypes).SingleAsync(x => x.Id == registration.EventId, cancellationToken);
            var email = await db.Users.Where(u => u.Id == registration.MemberId).Select(u => u.Email).SingleAsync(cancellationToken);
            var language = await db.MemberProfiles.Where(p => p.Id == registration.MemberId).Select(p => (Domain.Members.PreferredLanguage?)p.PreferredLanguage).SingleOrDefaultAsync(cancellationToken);
            var ticketType = e.TicketTypes.First(t => t.Id == registration.TicketTypeId);
            // Stripe's return pages on the public address, never the request's Host (concatenated: Stripe's
            // {CHECKOUT_SESSION_ID} placeholder must reach it unescaped).
            var baseUrl = links.BaseUrl.ToString().TrimEnd('/');
            return payment.TermsFor($"{e.Title}（{ticketType.Name}）", registration.Quantity, email,
                language == Domain.Members.PreferredLanguage.En ? "en" : "ja", registration.HoldExpiresAt!.Value,
                $"{baseUrl}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}", $"{baseUrl}/checkout/cancel?registration={registration.Id}", now);
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout for registration {RegistrationId} gave up after {Budget}: Stripe did not answer in time")]
        private static partial void LogOverBudget(ILogger logger, Guid registrationId, TimeSpan budget);
    }
}
