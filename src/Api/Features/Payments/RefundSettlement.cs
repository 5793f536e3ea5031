using Assemble.Api.Features.Receipts;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Payments;

/// <summary>
/// The one home of "Stripe settled a refund", whichever way we learn it (the refund job, refund.updated,
/// charge.refunded): the member is told (a ticket's through the event's notices, dues by their own mail), and a
/// refund at or above the threshold gets its return invoice, all in the caller's transaction.
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
}
