using Assemble.Domain.Payments;
using Assemble.Infrastructure.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Payments;

/// <summary>
/// Asks Stripe about every session that is due (<see cref="Payment.NextCheckAt"/>): at its expiry when no webhook
/// settled it, at once when its registration ended, after the voucher deadline of a Konbini payment. A hold is
/// released only when Stripe says the session expired or went unpaid; an open session that should have ended is
/// expired at Stripe first. A 404 settles the row. Anything else puts the row back with a back-off, behind newer ones.
/// </summary>
public static class CheckoutReconciliation
{
    public sealed record Counts(int Settled, int Asked);

    private sealed record Due(Guid Id, string SessionId);

    private const int Batch = 100;

    /// <summary>While a run asks about a row, other instances leave it alone (its next check is pushed this far).</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    public static async Task<Counts> RunAsync(IServiceScopeFactory scopes, DateTimeOffset now, DateTimeOffset stopAt, CancellationToken cancellationToken)
    {
        int settled = 0, asked = 0;
        while (DateTimeOffset.UtcNow < stopAt)
        {
            List<Due> due;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                var leaseEnd = now + Lease;
                due = await db.Database.SqlQuery<Due>($"""
                    UPDATE payments SET next_check_at = {leaseEnd}
                    WHERE id IN (SELECT id FROM payments
                                 WHERE next_check_at <= {now} AND checkout_session_id IS NOT NULL AND status IN ('CheckoutOpen', 'AwaitingAsyncPayment')
                                 ORDER BY next_check_at LIMIT {Batch} FOR UPDATE SKIP LOCKED)
                    RETURNING id AS "Id", checkout_session_id AS "SessionId"
                    """).ToListAsync(cancellationToken);
            }
            if (due.Count == 0) break;
            foreach (var row in due)
            {
                asked++;
                if (await AskAsync(scopes, row.Id, row.SessionId, now, cancellationToken)) settled++;
            }
        }
        return new Counts(settled, asked);
    }

    /// <summary>
    /// One session: settled from Stripe's answer (true), or put back for later. Also asked at once when a member
    /// replaces an open payment of dues (its session end requested first, so an open session is expired).
    /// </summary>
    public static async Task<bool> AskAsync(IServiceScopeFactory scopes, Guid paymentId, string sessionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = new Due(paymentId, sessionId);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var gateway = scope.ServiceProvider.GetRequiredService<IPaymentGateway>();
        var settlement = scope.ServiceProvider.GetRequiredService<PaymentSettlement>();
        var payment = await db.Payments.AsNoTracking().SingleAsync(p => p.Id == row.Id, cancellationToken);
        try
        {
            var session = await gateway.GetCheckoutSessionAsync(row.SessionId, cancellationToken);
            var outcome = OutcomeOf(session);
            if (outcome == SessionOutcome.StillOpen && payment.SessionShouldEnd(now))
            {
                try
                {
                    session = await gateway.ExpireCheckoutSessionAsync(row.SessionId, cancellationToken);
                    outcome = OutcomeOf(session);
                }
                catch (PaymentGatewayException e) when (e.Refused)
                {
                    // It stopped being open in between (paid, most likely): the next question says how.
                }
            }
            // Asked after the voucher's deadline and still unpaid: the Konbini payment did not happen.
            if (outcome == SessionOutcome.AwaitingAsyncPayment && payment.Status == PaymentStatus.AwaitingAsyncPayment) outcome = SessionOutcome.Failed;
            if (outcome != SessionOutcome.StillOpen)
            {
                // A card is paid when its PaymentIntent is made; a konbini payment (awaiting already) only later, at the shop.
                var at = outcome == SessionOutcome.Paid && payment.Status == PaymentStatus.CheckoutOpen ? session.IntentCreatedAt : null;
                await settlement.SettleAsync(row.Id, new SessionReport(outcome, session.Id, session.PaymentIntentId, session.AmountTotal, session.Currency, at), null, null, cancellationToken);
                return true;
            }
        }
        catch (PaymentGatewayException e) when (e.Status == 404)
        {
            // Stripe does not know the session (deleted test data, another account's key): nobody can pay it.
            await settlement.SettleAsync(row.Id, new SessionReport(SessionOutcome.Expired, row.SessionId, null, null, null), null, null, cancellationToken);
            db.PaymentProblems.Add(new PaymentProblem(PaymentProblemKind.SessionMissing, payment.Id, payment.EventId, null, row.SessionId,
                "Stripe answered 404 for this session; it was settled as ended (a ticket's seat released, dues left unpaid).", now));
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (PaymentGatewayException)
        {
            // Logged by the gateway; asked again after the back-off.
        }
        var later = await db.Payments.SingleAsync(p => p.Id == row.Id, cancellationToken);
        later.CheckAgainLater(now);
        await db.SaveChangesAsync(cancellationToken);
        return false;
    }

    public static SessionOutcome OutcomeOf(CheckoutSession s) => (s.Status, s.PaymentStatus) switch
    {
        (_, "paid" or "no_payment_required") => SessionOutcome.Paid,
        ("expired", _) => SessionOutcome.Expired,
        ("complete", _) => SessionOutcome.AwaitingAsyncPayment,
        _ => SessionOutcome.StillOpen,
    };
}

/// <summary>A registration that ends while its session is open has the session expired at Stripe (by the payment job).</summary>
public static class OpenCheckouts
{
    /// <summary>In the caller's transaction, beside the change that ended the registrations.</summary>
    public static async Task EndAsync(AppDbContext db, IReadOnlyCollection<Guid> registrationIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (registrationIds.Count == 0) return;
        var open = await db.Payments.Where(p => p.RegistrationId != null && registrationIds.Contains(p.RegistrationId.Value) && p.Status == PaymentStatus.CheckoutOpen).ToListAsync(cancellationToken);
        foreach (var payment in open) payment.RequestSessionEnd(now);
    }
}
