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

    public async Task FailedAsync(Payment payment, Refund refund, DateTimeOffset now, CancellationToken ct)
    {
        payment.RefundFailed(refund);
        if (payment.Purpose != PaymentPurpose.Dues) return;
        var membership = await db.MembershipPayments.IgnoreQueryFilters().SingleOrDefaultAsync(m => m.PaymentId == payment.Id, ct);
        var restored = membership is not null && membership.FollowRefunds(payment.RefundedYen, now);
        await Memberships.DuesRefunds.TellFailedAsync(db, payment, refund, restored, now, ct);
    }
}
