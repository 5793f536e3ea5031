using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Memberships;

/// <summary>
/// An admin gives card-paid dues back, wholly or in part, through the ticket's refund machinery (a refund row in this
/// transaction, the refund job sends it to Stripe under its own key). Dues refunded in full end the membership they
/// bought at once, and a refund Stripe then fails gives it back (<see cref="Domain.Memberships.MembershipPayment.FollowRefunds"/>).
/// The member is mailed now, and again when Stripe settles it (<see cref="Payments.RefundSettlement"/>).
/// </summary>
public static class DuesRefunds
{
    public sealed record Request(int? AmountYen);

    /// <param name="MembershipEnded">The dues are refunded in full: the period no longer counts.</param>
    public sealed record Response(Guid RefundId, Guid MembershipPaymentId, Guid MemberId, int AmountYen, RefundStatus Status, int RefundableYenLeft, bool MembershipEnded);

    public static readonly Error NotFound = new("membership.payment_not_found", "No payment of dues has this id.", ErrorKind.NotFound);

    public static readonly Error NotByCard = new("membership.refund_not_by_card",
        "These dues were not paid by card, so Stripe cannot refund them: give the money back by bank transfer.", ErrorKind.Rule);

    public sealed class Handler(AppDbContext db, DuesRecorder dues, TimeProvider time)
    {
        public async Task<Result<Response>> HandleAsync(Guid adminId, Guid membershipPaymentId, Request request, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var found = await db.MembershipPayments.IgnoreQueryFilters().AsNoTracking().Where(p => p.Id == membershipPaymentId)
                .Select(p => new { p.MemberId, p.PaymentId }).SingleOrDefaultAsync(cancellationToken);
            if (found is null) return NotFound;
            if (found.PaymentId is not { } paymentId) return NotByCard;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // The member's row, then the payment: the order dues are settled in.
            await dues.LockMemberAsync(found.MemberId, cancellationToken);
            var payment = await db.Payments.FromSql($"SELECT * FROM payments WHERE id = {paymentId} FOR UPDATE").SingleAsync(cancellationToken);
            var requested = payment.RequestRefund(request.AmountYen ?? payment.RefundableYen, RefundReason.DuesRefund, now);
            if (!requested.IsSuccess) return requested.Error!;
            var refund = requested.Value!;
            db.Refunds.Add(refund);
            var membership = await db.MembershipPayments.IgnoreQueryFilters().SingleAsync(p => p.Id == membershipPaymentId, cancellationToken);
            membership.FollowRefunds(payment.RefundedYen, now);
            var ended = membership.VoidedAt is not null;
            db.AuditEntries.Add(new AuditEntry(adminId, "membership.dues_refunded", "membership_payment", membershipPaymentId, now,
                $"{refund.AmountYen}{(ended ? ":membership_ended" : "")}", subjectId: found.MemberId));
            await Email.Notices.MailAsync(db, found.MemberId, language => language == Domain.Members.PreferredLanguage.Ja
                ? ("【Assemble】年会費の返金を開始しました",
                    $"年会費 ¥{refund.AmountYen:N0} の返金手続きを開始しました。数日でカードに戻ります。"
                    + (ended ? $"\nこの年会費による会員期間（{membership.StartsOn:yyyy/MM/dd}–{membership.EndsOn:yyyy/MM/dd}）は終了しました。" : ""))
                : ("[Assemble] Your dues refund is on its way",
                    $"We have started refunding ¥{refund.AmountYen:N0} of your dues; it reaches your card within days."
                    + (ended ? $"\nThe membership these dues paid for ({membership.StartsOn:yyyy-MM-dd} to {membership.EndsOn:yyyy-MM-dd}) has ended." : "")), now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new Response(refund.Id, membershipPaymentId, found.MemberId, refund.AmountYen, refund.Status, payment.RefundableYen, ended);
        }
    }

    /// <summary>Stripe failed a refund of dues for good: the membership it had ended holds again, and the member is told.</summary>
    public static Task TellFailedAsync(AppDbContext db, Payment payment, Refund refund, bool membershipRestored, DateTimeOffset now, CancellationToken ct)
        => Email.Notices.MailAsync(db, payment.MemberId, language => language == Domain.Members.PreferredLanguage.Ja
            ? ("【Assemble】年会費の返金ができませんでした",
                $"年会費 ¥{refund.AmountYen:N0} の返金をカード会社が受け付けませんでした。事務局からご連絡します。" + (membershipRestored ? "\n会員資格はそのまま継続しています。" : ""))
            : ("[Assemble] Your dues could not be refunded",
                $"The card network did not accept the refund of ¥{refund.AmountYen:N0} of your dues. The association will contact you." + (membershipRestored ? "\nYour membership continues." : "")),
            now, ct);

    /// <summary>Stripe settled a refund of dues: the member is told, with the return invoice's link when one was issued.</summary>
    public static Task TellCompletedAsync(AppDbContext db, Payment payment, Refund refund, string? returnInvoiceLink, DateTimeOffset now, CancellationToken ct)
        => Email.Notices.MailAsync(db, payment.MemberId, language =>
        {
            var link = returnInvoiceLink is null ? "" : "\n\n" + Receipts.ReceiptLinks.MailLines(language, returnInvoiceLink);
            return language == Domain.Members.PreferredLanguage.Ja
                ? ("【Assemble】年会費の返金が完了しました", $"年会費 ¥{refund.AmountYen:N0} の返金が完了しました。{link}")
                : ("[Assemble] Your dues are refunded", $"¥{refund.AmountYen:N0} of your dues has been refunded.{link}");
        }, now, ct);
}
