using Assemble.Api.Features.Receipts;
using Assemble.Domain.Memberships;
using Assemble.Domain.Payments;
using Assemble.Domain.Receipts;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Memberships;

/// <summary>
/// The one way dues become membership, whether an admin records a bank transfer or Stripe reports a card payment:
/// under the member's row lock (payments of dues chain one after another), the period is recorded, its receipt
/// issued and its link mailed, all in the caller's transaction.
/// </summary>
public sealed class DuesRecorder(AppDbContext db, IOptions<MembershipOptions> options, IOptions<ReceiptOptions> receipts, IDataProtectionProvider protection, PublicLinks links)
{
    public MembershipOptions Options => options.Value;

    /// <summary>Locks the member's row for the caller's transaction; false when there is no such member.</summary>
    public Task<bool> LockMemberAsync(Guid memberId, CancellationToken ct) => LockMemberAsync(db, memberId, ct);

    /// <summary>
    /// The member's row lock, the one every change to a member's dues takes first (recording, settling, refunding,
    /// ending an open payment): payments of dues chain one after another, and the membership trigger writes this row.
    /// </summary>
    public static async Task<bool> LockMemberAsync(AppDbContext db, Guid memberId, CancellationToken ct)
        => (await db.Database.SqlQuery<Guid>($"SELECT id AS \"Value\" FROM users WHERE id = {memberId} FOR UPDATE").ToListAsync(ct)).Count == 1;

    /// <summary>The periods the member has paid for (dues refunded in full are left out by the table's query filter).</summary>
    public Task<List<MembershipPeriod>> PaidBeforeAsync(Guid memberId, CancellationToken ct)
        => db.MembershipPayments.Where(p => p.MemberId == memberId).Select(p => new MembershipPeriod(p.StartsOn, p.EndsOn)).ToListAsync(ct);

    /// <summary>Stripe took the dues of <paramref name="payment"/>: the period chains on from what was paid before, dated the day it was paid in Japan.</summary>
    public async Task<MembershipPayment> RecordCardAsync(Payment payment, DateTimeOffset now, CancellationToken ct)
    {
        var plan = await db.MembershipPlans.SingleAsync(p => p.Code == payment.PlanCode, ct);
        var recorded = MembershipPayment.RecordCard(Guid.CreateVersion7(now), payment.MemberId, plan, await PaidBeforeAsync(payment.MemberId, ct),
            MembershipPayment.DayInJapan(payment.PaidAt ?? now), payment.AmountYen, payment.Id, Options.FiscalYearStartMonth, Options.GraceDays, now);
        await AddAsync(recorded, plan, payment.Id, now, ct);
        return recorded;
    }

    /// <summary>
    /// Adds <paramref name="payment"/> with its sale receipt (filed under <paramref name="receiptPaymentId"/>: the card
    /// payment, whose refunds look for it there, or the transfer itself) and the mail with the receipt's link.
    /// </summary>
    public async Task AddAsync(MembershipPayment payment, MembershipPlan plan, Guid receiptPaymentId, DateTimeOffset now, CancellationToken ct)
    {
        db.MembershipPayments.Add(payment);
        var receipt = await Receipts.Receipts.IssueSaleAsync(db, receipts.Value, payment.MemberId, receiptPaymentId, payment.PaidOn,
            [ReceiptItemOf(plan, payment)], now, ct);
        var link = ReceiptLinks.For(protection, links, receipt.Id);
        await Email.Notices.MailAsync(db, payment.MemberId, language => DuesReceivedMail(language, plan.Name, payment, link), now, ct);
    }

    /// <summary>What a receipt for dues lists: the plan and the period bought, at the plan's tax category.</summary>
    public static ReceiptItem ReceiptItemOf(MembershipPlan plan, MembershipPayment payment)
        => new($"{plan.Name} 会費 ({payment.StartsOn:yyyy/MM/dd}–{payment.EndsOn:yyyy/MM/dd})", payment.AmountYen, plan.Tax);

    /// <summary>The mail to the member when dues are received: the period bought and the signed link to the receipt.</summary>
    private static (string Subject, string Body) DuesReceivedMail(Domain.Members.PreferredLanguage language, string plan, MembershipPayment payment, string receiptLink)
        => language == Domain.Members.PreferredLanguage.Ja
            ? ("【Assemble】年会費の入金を確認しました",
                $"{plan}の年会費 ¥{payment.AmountYen:N0} の入金を確認しました（{payment.PaidOn.Year}年{payment.PaidOn.Month}月{payment.PaidOn.Day}日）。\n"
                + $"会員期間: {payment.StartsOn:yyyy/MM/dd}–{payment.EndsOn:yyyy/MM/dd}\n\n"
                + ReceiptLinks.MailLines(language, receiptLink))
            : ("[Assemble] Your dues are received",
                $"We received your {plan} dues of ¥{payment.AmountYen:N0} ({payment.PaidOn:d MMM yyyy}).\nMembership: {payment.StartsOn:yyyy-MM-dd} to {payment.EndsOn:yyyy-MM-dd}\n\n"
                + ReceiptLinks.MailLines(language, receiptLink));
}
