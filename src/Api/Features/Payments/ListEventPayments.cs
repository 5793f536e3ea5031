using System.Globalization;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Common.Csv;
using Assemble.Api.Features.Events;
using Assemble.Domain.Common;
using Assemble.Domain.Members;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Payments;

/// <summary>The organizer's view of an event's money: totals in yen, refund progress and failures, one line per payment.</summary>
public static class ListEventPayments
{
    public sealed record Line(Guid PaymentId, Guid RegistrationId, string? MemberDisplayName, int AmountYen, PaymentStatus Status, int RefundedYen, DateTimeOffset CreatedAt, DateTimeOffset? PaidAt);

    public sealed record Totals(int PaidCount, long PaidYen, int PendingCount, long PendingYen, long RefundedYen, int RefundsRequested, int RefundsPending, int RefundsSucceeded, int RefundsFailed);

    public sealed record Response(Guid EventId, Totals Totals, IReadOnlyList<Line> Items, string? NextCursor);

    public sealed class Handler(AppDbContext db)
    {
        public async Task<Result<Response>> HandleAsync(ClaimsPrincipal user, Guid eventId, Guid? after, int take, CancellationToken cancellationToken)
        {
            var e = await db.FindAsync(eventId, cancellationToken);
            if (EventAccess.ManageError(e, user) is { } denied) return denied;
            var payments = db.Payments.AsNoTracking().Where(p => p.EventId == eventId);
            var totals = await payments.GroupBy(_ => 1).Select(g => new
            {
                PaidCount = g.Count(p => p.Status == PaymentStatus.Paid),
                PaidYen = g.Where(p => p.Status == PaymentStatus.Paid).Sum(p => (long)p.AmountYen),
                PendingCount = g.Count(p => p.Status == PaymentStatus.CheckoutOpen || p.Status == PaymentStatus.AwaitingAsyncPayment),
                PendingYen = g.Where(p => p.Status == PaymentStatus.CheckoutOpen || p.Status == PaymentStatus.AwaitingAsyncPayment).Sum(p => (long)p.AmountYen),
                RefundedYen = g.Sum(p => (long)p.RefundedYen),
            }).SingleOrDefaultAsync(cancellationToken);
            var refunds = await db.Refunds.AsNoTracking().Where(r => r.EventId == eventId).GroupBy(r => r.Status)
                .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);

            var page = after is { } a ? payments.Where(p => p.Id.CompareTo(a) > 0) : payments;
            var rows = await page.OrderBy(p => p.Id).Take(take + 1)
                .GroupJoin(db.MemberProfiles, p => p.MemberId, m => m.Id, (p, m) => new { p, m })
                .SelectMany(x => x.m.DefaultIfEmpty(), (x, m) => new Line(x.p.Id, x.p.RegistrationId!.Value, m == null ? null : m.DisplayName, x.p.AmountYen, x.p.Status, x.p.RefundedYen, x.p.CreatedAt, x.p.PaidAt))
                .ToListAsync(cancellationToken);
            var items = rows.OrderBy(l => l.PaymentId).ToList();
            var result = Cursor.ToPage(items, take, l => l.PaymentId);
            return new Response(eventId, new Totals(
                totals?.PaidCount ?? 0, totals?.PaidYen ?? 0, totals?.PendingCount ?? 0, totals?.PendingYen ?? 0, totals?.RefundedYen ?? 0,
                refunds.GetValueOrDefault(RefundStatus.Requested), refunds.GetValueOrDefault(RefundStatus.Pending),
                refunds.GetValueOrDefault(RefundStatus.Succeeded), refunds.GetValueOrDefault(RefundStatus.Failed)), result.Items, result.NextCursor);
        }
    }

    /// <summary>The payments as CSV for Excel, headers and statuses in Japanese, or English throughout.</summary>
    public static byte[] ToCsv(Response response, PreferredLanguage language)
        => CsvWriter.Write(
            language == PreferredLanguage.En
                ? ["Payment ID", "Registration ID", "Name", "Amount (JPY)", "Status", "Refunded (JPY)", "Created at (UTC)", "Paid at (UTC)"]
                : ["決済ID", "申込ID", "氏名", "金額(円)", "状態", "返金額(円)", "作成日時(UTC)", "支払日時(UTC)"],
            response.Items.Select(l => (IReadOnlyList<string?>)[
                l.PaymentId.ToString(), l.RegistrationId.ToString(), l.MemberDisplayName, l.AmountYen.ToString(CultureInfo.InvariantCulture), Labels.Of(l.Status, language),
                l.RefundedYen.ToString(CultureInfo.InvariantCulture), l.CreatedAt.ToString("u", CultureInfo.InvariantCulture), l.PaidAt?.ToString("u", CultureInfo.InvariantCulture)]));
}
