using Assemble.Domain.Auditing;
using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Referrals;

/// <summary>
/// The referral board's housekeeping: introductions past their 72-hour deadline become expired (reads already show
/// them so); requests idle for 90 days with nothing waiting lapse (closed or withdrawn); and 90 days after a request
/// closes its free text and both contact channels are deleted while the coded need and outcome stay for statistics.
/// Safe to re-run; on several nodes Hangfire runs it on one at a time.
/// </summary>
public static class ReferralJobs
{
    public sealed record Report(int Expired, int Lapsed, int Forgotten);

    public static async Task<Report> RunOnceAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var expired = await db.Introductions.Where(i => i.Status == IntroductionStatus.Sent && i.RespondBy < now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, IntroductionStatus.Expired).SetProperty(i => i.UpdatedAt, i => i.RespondBy), cancellationToken);

        // Requests nobody closed: idle for 90 days with nothing waiting, they close by themselves.
        // Each candidate's row is locked as the endpoints lock it, so a lapse never races a requester's action.
        var lapsed = 0;
        var idleSince = now - ReferralRequest.LapsesAfter;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var ids = await db.Database.SqlQuery<Guid>($"""
                SELECT id AS "Value" FROM referral_requests
                WHERE status IN ('Draft', 'Sent') AND created_at <= {idleSince}
                  AND NOT EXISTS (SELECT 1 FROM introductions i WHERE i.request_id = referral_requests.id AND i.updated_at > {idleSince})
                ORDER BY created_at LIMIT 500 FOR UPDATE SKIP LOCKED
                """).ToListAsync(cancellationToken);
            foreach (var request in await db.ReferralRequests.Include(r => r.Introductions).Where(r => ids.Contains(r.Id)).ToListAsync(cancellationToken))
            {
                if (!request.LapseIfIdle(now)) continue;
                db.AuditEntries.Add(new AuditEntry(null, "referral.lapsed", "referral_request", request.Id, now, request.Status.ToString(), subjectId: request.RequesterId));
                lapsed++;
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        db.ChangeTracker.Clear();

        var forgotten = 0;
        var cutoff = now - ReferralRequest.FreeTextKeptFor;
        while (true)
        {
            var due = await db.ReferralRequests.Include(r => r.Introductions)
                .Where(r => r.ClosedAt != null && r.ClosedAt <= cutoff
                    && (r.Note != null || r.RequesterContact != null || r.Introductions.Any(i => i.InviteeContact != null)))
                .OrderBy(r => r.ClosedAt).Take(200).ToListAsync(cancellationToken);
            if (due.Count == 0) break;
            foreach (var request in due.Where(r => r.ForgetFreeText(now)))
            {
                db.AuditEntries.Add(new AuditEntry(null, "referral.free_text_deleted", "referral_request", request.Id, now, subjectId: request.RequesterId));
                forgotten++;
            }
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
        return new Report(expired, lapsed, forgotten);
    }
}
