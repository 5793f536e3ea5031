using Assemble.Domain.Payments;
using Assemble.Infrastructure.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Payments;

/// <summary>
/// The payment jobs, safe on any number of instances and safe to re-run (Hangfire runs <see cref="RunOnceAsync"/>):
/// send refunds and settle those whose answer was lost (<see cref="RefundSender"/>), then ask Stripe about the
/// sessions that are due (<see cref="CheckoutReconciliation"/>). One row that cannot be settled is put back with a
/// back-off and never stops the rows behind it.
/// </summary>
public static class PaymentJobs
{
    public sealed record Report(int RefundsSent, int RefundsFailed, int SessionsSettled, int RefundsUnsettled = 0, int SessionsAsked = 0);

    /// <summary>A run stops taking new rows after this long; the rest are due at the next run.</summary>
    public static readonly TimeSpan RunBudget = TimeSpan.FromSeconds(25);

    public static async Task<Report> RunOnceAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stopAt = DateTimeOffset.UtcNow + RunBudget;
        var refunds = await RefundSender.RunAsync(scopes, now, stopAt, cancellationToken);
        var sessions = await CheckoutReconciliation.RunAsync(scopes, now, stopAt, cancellationToken);
        return new Report(refunds.Sent, refunds.Failed, sessions.Settled, refunds.Unsettled, sessions.Asked);
    }
}

/// <summary>
/// Sends requested refunds to Stripe under each refund's own key, and settles refunds whose answer was lost by
/// asking Stripe which refunds the payment has (our id is in each refund's metadata). A refund Stripe does not
/// list never happened and is sent again, under the same key; only Stripe refusing the request fails it.
/// </summary>
public static class RefundSender
{
    public sealed record Counts(int Sent, int Failed, int Unsettled);

    public static async Task<Counts> RunAsync(IServiceScopeFactory scopes, DateTimeOffset now, DateTimeOffset stopAt, CancellationToken cancellationToken)
    {
        int sent = 0, failed = 0, unsettled = 0;
        while (DateTimeOffset.UtcNow < stopAt)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var gateway = scope.ServiceProvider.GetRequiredService<IPaymentGateway>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Every row handled here is settled or pushed into the future, so a run never takes the same row twice.
            var refund = await db.Refunds.FromSql($"""
                SELECT * FROM refunds WHERE status IN ('Requested', 'Unknown') AND (next_attempt_at IS NULL OR next_attempt_at <= {now})
                ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED
                """).SingleOrDefaultAsync(cancellationToken);
            if (refund is null) break;
            // Locked: a failed refund gives its yen back, which an organizer's refund request reads under the same lock.
            var settled = scope.ServiceProvider.GetRequiredService<RefundSettlement>();
            var payment = await settled.LockPaymentAsync(refund.PaymentId, cancellationToken);
            await SettleAsync(gateway, payment, refund, now, cancellationToken);
            if (refund.Status == RefundStatus.Failed) await settled.FailedAsync(payment, refund, now, cancellationToken);
            if (refund.Status == RefundStatus.Succeeded) await settled.SettleAsync(payment, refund, now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            switch (refund.Status)
            {
                case RefundStatus.Failed: failed++; break;
                case RefundStatus.Requested or RefundStatus.Unknown: unsettled++; break;
                default: sent++; break;
            }
        }
        return new Counts(sent, failed, unsettled);
    }

    private static async Task SettleAsync(IPaymentGateway gateway, Payment payment, Refund refund, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (payment.PaymentIntentId is not { } intent)
        {
            refund.Refused("The payment has no PaymentIntent recorded, so Stripe cannot be asked to refund it.", now);
            return;
        }
        try
        {
            if (refund.Status == RefundStatus.Unknown)
            {
                var listed = (await gateway.ListRefundsAsync(intent, cancellationToken)).FirstOrDefault(r => r.RefundId == refund.Id);
                if (listed is not null)
                {
                    refund.Sent(listed.Id, listed.Status, listed.FailureReason, now);
                    return;
                }
                refund.NotFoundAtStripe(now);
            }
            var created = await gateway.CreateRefundAsync(intent, refund.AmountYen, refund.Id, refund.IdempotencyKey, cancellationToken);
            refund.Sent(created.Id, created.Status, created.FailureReason, now);
        }
        catch (PaymentGatewayException e) when (e.Refused)
        {
            refund.Refused(e.Reason, now);
        }
        catch (PaymentGatewayException e)
        {
            // Logged by the gateway. Stripe may have refunded: the next run asks before sending anything.
            refund.AnswerLost(e.Reason, now);
        }
    }
}
