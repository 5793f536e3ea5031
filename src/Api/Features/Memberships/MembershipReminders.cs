using Assemble.Api.Features.Email;
using Assemble.Domain.Common;
using Assemble.Domain.Members;
using Assemble.Domain.Memberships;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Memberships;

/// <summary>
/// Renewal reminders, 30 and 7 days before a member's paid time runs out (<see cref="MembershipStanding.ReminderDue"/>).
/// Each (member, paid-until day, reminder) is claimed in membership_reminder_sends with its mail in one transaction,
/// so a reminder goes out once whichever node runs this and however often; each member has a transaction of their
/// own, so one that fails never holds back the others.
/// </summary>
public static partial class MembershipReminders
{
    public static async Task<int> RunOnceAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var day = MembershipPayment.DayInJapan(now);
        List<(Guid Member, int DaysBefore, DateOnly PaidUntil)> due;
        int graceDays;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            graceDays = scope.ServiceProvider.GetRequiredService<IOptions<MembershipOptions>>().Value.GraceDays;
            var horizon = day.AddDays(MembershipStanding.ReminderDaysBefore.Max());
            var ending = db.MembershipPayments.Where(p => p.EndsOn >= day && p.EndsOn <= horizon).Select(p => p.MemberId);
            var periods = await db.MembershipPayments.AsNoTracking().Where(p => ending.Contains(p.MemberId))
                .Select(p => new { p.MemberId, p.StartsOn, p.EndsOn }).ToListAsync(cancellationToken);
            due = periods.GroupBy(p => p.MemberId)
                .Select(g => (g.Key, Due: MembershipStanding.ReminderDue(g.Select(p => new MembershipPeriod(p.StartsOn, p.EndsOn)), day)))
                .Where(x => x.Due is not null)
                .Select(x => (x.Key, x.Due!.Value.DaysBefore, x.Due.Value.PaidUntil))
                .ToList();
        }

        var sent = 0;
        foreach (var (member, daysBefore, paidUntil) in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var claimed = await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO membership_reminder_sends (member_id, paid_until, days_before, sent_at) VALUES ({member}, {paidUntil}, {daysBefore}, {now})
                    ON CONFLICT DO NOTHING
                    """, cancellationToken);
                if (claimed == 0) continue;
                // A deleted account gets nothing; the claim stays, so it is not looked at again.
                if ((await Notices.RecipientsAsync(db, [member], cancellationToken)).GetValueOrDefault(member) is { } to)
                {
                    var plan = await db.MembershipPayments.Where(p => p.MemberId == member).OrderByDescending(p => p.EndsOn)
                        .Join(db.MembershipPlans, p => p.PlanCode, x => x.Code, (p, x) => x.Name).FirstAsync(cancellationToken);
                    // The days really left: a reminder a run missed goes out later in its window.
                    var (subject, body) = Text(to.Language, plan, paidUntil, paidUntil.DayNumber - day.DayNumber, graceDays);
                    db.OutboxEmails.Add(new OutboxEmail(to.Email, subject, body, null, essential: true, now));
                    await db.SaveChangesAsync(cancellationToken);
                    sent++;
                }
                await transaction.CommitAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MembershipReminders)), member, exception.GetType().Name);
            }
        }
        return sent;
    }

    private static (string Subject, string Body) Text(PreferredLanguage language, string plan, DateOnly paidUntil, int daysLeft, int graceDays)
        => language == PreferredLanguage.Ja
            ? (daysLeft == 0 ? "【Assemble】会員期限のお知らせ（本日まで）" : $"【Assemble】会員期限のお知らせ（あと{daysLeft}日）",
                $"{plan}の有効期限は {paidUntil.Year}年{paidUntil.Month}月{paidUntil.Day}日 です。\n"
                + "継続される場合は、Assemble の会員ページから年会費をお支払いください（銀行振込の場合は事務局までご連絡ください）。\n"
                + $"期限後も{graceDays}日以内にお支払いいただければ、会員期間は途切れずに続きます。")
            : (daysLeft == 0 ? "[Assemble] Your membership ends today" : $"[Assemble] Your membership ends in {daysLeft} day{(daysLeft == 1 ? "" : "s")}",
                $"Your {plan} membership is paid until {paidUntil:d MMM yyyy}.\n"
                + "To renew, pay this year's dues from your membership page on Assemble (or tell the office if you pay by bank transfer).\n"
                + $"A payment within {graceDays} days after that day still continues your membership without a gap.");

    [LoggerMessage(Level = LogLevel.Error, Message = "The renewal reminder for member {MemberId} could not be written ({Exception}); the next run tries again.")]
    private static partial void LogFailed(ILogger logger, Guid memberId, string exception);
}
