using Assemble.Api.Features.Receipts;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Payments;

/// <summary>
/// The one home of "Stripe settled a refund" and "Stripe failed a refund", whichever way we learn it (the refund job,
/// refund.updated, refund.failed, charge.refunded): a settled refund is told to the member (a ticket's through the
/// event's notices, dues by their own mail) and one at or above the threshold gets its return invoice; a failed one
/// gives its yen back to refund again, and dues it had voided their membership. All in the caller's transaction.
/// </summary>
public sealed class RefundSettlement(AppDbContext db, IOptions<ReceiptOptions> receipts, IDataProtectionProvider protection, PublicLinks links)
{
    public async Task SettleAsync(Payment payment, Refund refund, DateTimeOffset now, CancellationToken ct)
    {
        payment.RefundSettled(refund, now);
        var returned = await Receipts.Receipts.IssueReturnAsync(db, receipts.Value, payment, refund, now, ct);
        if (payment.Purpose == PaymentPurpose.Dues)
            await Memberships.DuesRefunds.TellCompletedAsync(db, payment, refund, returned is null ? null : ReceiptLinks.For(protection, links, returned.Id), now, ct);
    }

    /// <summary>
    /// A refund's payment, locked in the caller's transaction (the refund row locked first). For dues the member's row
    /// comes before the payment, the order dues are settled and refunded in, since a failed refund may restore the
    /// membership (whose trigger writes the member's row).
    /// </summary>
    public async Task<Payment> LockPaymentAsync(Guid paymentId, CancellationToken ct)
    {
        var of = await db.Payments.AsNoTracking().Where(p => p.Id == paymentId).Select(p => new { p.Purpose, p.MemberId }).SingleAsync(ct);
        if (of.Purpose == PaymentPurpose.Dues) await Memberships.DuesRecorder.LockMemberAsync(db, of.MemberId, ct);
        return await db.Payments.FromSql($"SELECT * FROM payments WHERE id = {paymentId} FOR UPDATE").SingleAsync(ct);
    }

    public async Task FailedAsync(Payment payment, Refund refund, DateTimeOffset now, CancellationToken ct)
    {
        payment.RefundFailed(refund);
        if (payment.Purpose != PaymentPurpose.Dues) return;
        var membership = await db.MembershipPayments.IgnoreQueryFilters().SingleOrDefaultAsync(m => m.PaymentId == payment.Id, ct);
        var restored = membership is not null && membership.FollowRefunds(payment.RefundedYen, now);
        if (restored)
        {
            db.AuditEntries.Add(new Domain.Auditing.AuditEntry(null, "membership.dues_restored", "membership_payment", membership!.Id, now,
                $"refund {refund.Id} failed", subjectId: payment.MemberId));
            // Paid again while it was voided: two periods now overlap, which only a person can sort out.
            var overlaps = await db.MembershipPayments.AnyAsync(m => m.MemberId == payment.MemberId && m.Id != membership.Id
                && m.StartsOn <= membership.EndsOn && membership.StartsOn <= m.EndsOn, ct);
            if (overlaps)
                db.PaymentProblems.Add(new PaymentProblem(PaymentProblemKind.MembershipOverlap, payment.Id, null, null, refund.StripeRefundId,
                    $"The refund of these dues failed, so their period {membership.StartsOn:yyyy-MM-dd}..{membership.EndsOn:yyyy-MM-dd} holds again; it overlaps dues paid since.", now));
        }
        await Memberships.DuesRefunds.TellFailedAsync(db, payment, refund, restored, now, ct);
    }
}
