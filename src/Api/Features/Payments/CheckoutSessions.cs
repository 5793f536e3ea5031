using Assemble.Domain.Common;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Payments;
using Assemble.Infrastructure.Persistence;
using Assemble.Infrastructure.Persistence.Configurations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Payments;

/// <summary>
/// Gives a stored payment its Checkout Session, for a ticket or for dues, outside any lock (no Stripe call ever
/// happens under one). The idempotency key and the session's terms (the payment's amount, the expiry, everything
/// sent) are stored before the first attempt, so a retry sends the very same request under the same key and gets
/// the same session. The caller waits at most <see cref="PaymentOptions.CheckoutBudget"/>, whatever Stripe does.
/// </summary>
public sealed partial class CheckoutSessions(AppDbContext db, IPaymentGateway gateway, TimeProvider time, Infrastructure.Email.PublicLinks links,
    IOptions<PaymentOptions> options, ILogger<CheckoutSessions> logger)
{
    public static readonly Error Unavailable = new("payment.unavailable",
        "The payment service did not answer in time. Nothing was charged; try again shortly.", ErrorKind.Unavailable);

    /// <summary>What a new attempt sends, fixed at <c>now</c> (<see cref="Payment.TermsFor"/> stores it on the payment).</summary>
    public delegate Task<CheckoutTerms> TermsOf(Payment payment, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Stripe's success_url on the public address, never the request's Host ({CHECKOUT_SESSION_ID} reaches Stripe unescaped).</summary>
    public string SuccessUrl => $"{links.BaseUrl.ToString().TrimEnd('/')}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}";

    /// <summary>An absolute address on the public base for a return page.</summary>
    public string Page(string pathAndQuery) => links.To(pathAndQuery);

    /// <summary>The buyer's e-mail (to fill in Checkout) and the language Checkout speaks to them.</summary>
    public async Task<(string? Email, string Locale)> BuyerAsync(Guid memberId, CancellationToken cancellationToken)
    {
        var email = await db.Users.Where(u => u.Id == memberId).Select(u => u.Email).SingleAsync(cancellationToken);
        var language = await db.MemberProfiles.Where(p => p.Id == memberId).Select(p => (Domain.Members.PreferredLanguage?)p.PreferredLanguage).SingleOrDefaultAsync(cancellationToken);
        return (email, language == Domain.Members.PreferredLanguage.En ? "en" : "ja");
    }

    /// <summary>
    /// The payment's session: the one it has, or one created now under its stored key. <paramref name="attached"/>
    /// runs beside the session's attachment, in the same save (a ticket's hold is extended to the session's end).
    /// </summary>
    public async Task<Result<Payment>> OpenAsync(Payment payment, TermsOf termsOf, Action<CheckoutTerms>? attached, CancellationToken cancellationToken)
    {
        if (payment.CheckoutSessionId is not null) return payment;
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(options.Value.CheckoutBudget);
        // A refused attempt (Stripe stored its answer under the key) gets one more, under a new key, at once.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (payment.CheckoutTerms is not { } terms)
            {
                terms = await termsOf(payment, time.GetUtcNow(), cancellationToken);
                // Two calls at once may both have made terms for this attempt: only the first to store them sends them.
                await db.Database.ExecuteSqlAsync(
                    $"UPDATE payments SET checkout_terms = {PaymentConfiguration.TermsJson(terms)}::jsonb WHERE id = {payment.Id} AND checkout_terms IS NULL AND checkout_attempt = {payment.CheckoutAttempt}",
                    cancellationToken);
                await db.Entry(payment).ReloadAsync(cancellationToken);
                if (payment.CheckoutSessionId is not null) return payment;
                if (payment.CheckoutTerms is not { } winner) continue;
                terms = winner;
            }
            try
            {
                var session = await gateway.CreateCheckoutSessionAsync(CheckoutReference.Of(payment), terms, payment.CheckoutIdempotencyKey, budget.Token);
                payment.AttachSession(session.Id, session.Url, terms.ExpiresAt);
                attached?.Invoke(terms);
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
                LogOverBudget(logger, payment.Id, options.Value.CheckoutBudget);
                return Unavailable;
            }
        }
        return Unavailable;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout for payment {PaymentId} gave up after {Budget}: Stripe did not answer in time")]
    private static partial void LogOverBudget(ILogger logger, Guid paymentId, TimeSpan budget);
}
