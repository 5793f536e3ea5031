using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Payments;

public sealed class PaymentOptions
{
    public const string Section = "Payments";

    /// <summary>Kept from a member's own cancellation refund (whole yen; never more than was paid).</summary>
    public int CancellationFeeYen { get; set; }

    public TimeSpan JobInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Writes a refund row for a paid registration, in the caller's transaction, beside its cause.</summary>
public static class RefundRequests
{
    public static async Task<Refund?> RequestAsync(AppDbContext db, Guid registrationId, RefundReason reason, int? amountYen, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.SingleOrDefaultAsync(p => p.RegistrationId == registrationId && p.Status == PaymentStatus.Paid, cancellationToken);
        if (payment is null || payment.RefundableYen == 0) return null;
        var refund = payment.RequestRefund(Math.Min(amountYen ?? payment.RefundableYen, payment.RefundableYen), reason, now);
        if (!refund.IsSuccess) return null;
        db.Refunds.Add(refund.Value!);
        return refund.Value;
    }
}

public static class RefundRegistration
{
    public sealed record Request(int? AmountYen);

    public sealed record Response(Guid RefundId, Guid RegistrationId, int AmountYen, RefundStatus Status, int RefundableYenLeft);

    /// <summary>An organizer refunds a registration fully (no amount) or partly; the total never exceeds what was paid.</summary>
    public sealed class Handler(AppDbContext db, TimeProvider time)
    {
        public async Task<Result<Response>> HandleAsync(ClaimsPrincipal user, Guid registrationId, Request request, CancellationToken cancellationToken)
        {
            var registration = await db.Registrations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == registrationId, cancellationToken);
            if (registration is null) return RegistrationErrors.NotFound;
            var e = await db.FindAsync(registration.EventId, cancellationToken);
            // The registration is visible to its member (403 for them); for anyone else it does not exist.
            if (EventAccess.ManageError(e, user) is { } denied) return registration.MemberId == user.RequiredMemberId() ? denied : RegistrationErrors.NotFound;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var payment = await db.Payments.FromSql($"SELECT * FROM payments WHERE registration_id = {registrationId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
            if (payment is null) return PaymentErrors.NotPaid;
            var refund = payment.RequestRefund(request.AmountYen ?? payment.RefundableYen, RefundReason.OrganizerRefund, time.GetUtcNow());
            if (!refund.IsSuccess) return refund.Error!;
            db.Refunds.Add(refund.Value!);
            db.DomainEvents.Add(new DomainEvent(DomainEventTypes.RefundRequested, registration.EventId, registration.MemberId, registration.Id, time.GetUtcNow(), $"organizer;amount={refund.Value!.AmountYen}"));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new Response(refund.Value.Id, registrationId, refund.Value.AmountYen, refund.Value.Status, payment.RefundableYen);
        }
    }
}

/// <summary>refund.updated / refund.failed / charge.refunded: move our refund rows forward (never back).</summary>
public sealed class RefundUpdates(AppDbContext db, PaymentSettlement settlement, TimeProvider time)
{
    /// <summary>The member is told once the money is back (an outbox notice, in the same transaction).</summary>
    public static void Completed(AppDbContext db, Payment payment, Refund refund, DateTimeOffset now)
        => db.DomainEvents.Add(new DomainEvent(DomainEventTypes.RefundCompleted, payment.EventId, payment.MemberId, payment.RegistrationId, now, $"amount={refund.AmountYen}"));

    public async Task<bool> ApplyAsync(string stripeEventId, string type, Stripe.IHasObject? obj, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await settlement.RecordOnlyAsync(stripeEventId, type, cancellationToken)) return false;
        var now = time.GetUtcNow();
        if (type == Stripe.EventTypes.ChargeRefunded && obj is Stripe.Charge charge)
        {
            var payment = await db.Payments.SingleOrDefaultAsync(p => p.PaymentIntentId == charge.PaymentIntentId, cancellationToken);
            if (payment is not null)
            {
                // Stripe's total is cumulative: every refund we sent that it covers has landed.
                var sent = await db.Refunds.Where(r => r.PaymentId == payment.Id && r.StripeRefundId != null).OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken);
                long covered = 0;
                foreach (var r in sent)
                {
                    covered += r.AmountYen;
                    if (covered <= charge.AmountRefunded && r.Apply("succeeded", null, now)) Completed(db, payment, r, now);
                }
            }
        }
        else if (obj is Stripe.Refund stripeRefund)
        {
            var refund = await db.Refunds.SingleOrDefaultAsync(r => r.StripeRefundId == stripeRefund.Id, cancellationToken);
            if (refund is not null && refund.Apply(type == Stripe.EventTypes.RefundFailed ? "failed" : stripeRefund.Status ?? "", stripeRefund.FailureReason, now))
            {
                var payment = await db.Payments.SingleAsync(p => p.Id == refund.PaymentId, cancellationToken);
                if (refund.Status == RefundStatus.Failed) payment.RefundFailed(refund.AmountYen);
                if (refund.Status == RefundStatus.Succeeded) Completed(db, payment, refund, now);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}

/// <summary>
/// The payment jobs, safe on any number of instances and safe to re-run: send requested refunds to Stripe (each
/// row claimed with FOR UPDATE SKIP LOCKED, sent with its own idempotency key), and settle holds whose webhook
/// never came by asking Stripe for their Checkout Session.
/// </summary>
public static class PaymentJobs
{
    public sealed record Report(int RefundsSent, int RefundsFailed, int SessionsSettled);

    public static async Task<Report> RunOnceAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int sent = 0, failed = 0, settled = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var gateway = scope.ServiceProvider.GetRequiredService<IPaymentGateway>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var refund = await db.Refunds.FromSql($"SELECT * FROM refunds WHERE status = 'Requested' ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED")
                .SingleOrDefaultAsync(cancellationToken);
            if (refund is null) break;
            var payment = await db.Payments.SingleAsync(p => p.Id == refund.PaymentId, cancellationToken);
            try
            {
                var result = await gateway.CreateRefundAsync(payment.PaymentIntentId ?? "", refund.AmountYen, refund.IdempotencyKey, cancellationToken);
                refund.Sent(result.Id, result.Status, now);
                if (refund.Status == RefundStatus.Succeeded) RefundUpdates.Completed(db, payment, refund, now);
                sent++;
            }
            catch (PaymentGatewayException e)
            {
                var permanent = e.Status is >= 400 and < 500 and not 409 and not 429;
                refund.SendFailed($"{e.Status} {e.Code}", permanent, now);
                if (refund.Status == RefundStatus.Failed)
                {
                    payment.RefundFailed(refund.AmountYen);
                    failed++;
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (refund.Status == RefundStatus.Requested) break; // a temporary failure: the next run tries again
        }

        // Reconciliation: sessions that should have ended by now but whose webhook never came.
        List<(Guid Id, string Session)> open;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            open = (await db.Payments.Where(p => (p.Status == PaymentStatus.CheckoutOpen || p.Status == PaymentStatus.AwaitingAsyncPayment)
                    && p.CheckoutSessionId != null && p.CheckoutExpiresAt <= now)
                .OrderBy(p => p.CheckoutExpiresAt).Take(100).Select(p => new { p.Id, p.CheckoutSessionId }).ToListAsync(cancellationToken))
                .Select(p => (p.Id, p.CheckoutSessionId!)).ToList();
        }
        foreach (var (id, sessionId) in open)
        {
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                var session = await scope.ServiceProvider.GetRequiredService<IPaymentGateway>().GetCheckoutSessionAsync(sessionId, cancellationToken);
                var outcome = (session.Status, session.PaymentStatus) switch
                {
                    (_, "paid" or "no_payment_required") => SessionOutcome.Paid,
                    ("expired", _) => SessionOutcome.Expired,
                    _ => SessionOutcome.StillOpen,
                };
                if (outcome == SessionOutcome.StillOpen) continue;
                await scope.ServiceProvider.GetRequiredService<PaymentSettlement>().SettleAsync(id, outcome, session.PaymentIntentId, null, null, cancellationToken);
                settled++;
            }
            catch (PaymentGatewayException)
            {
                // Logged by the client; the next run asks again.
            }
        }
        return new Report(sent, failed, settled);
    }

}
