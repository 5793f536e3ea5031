using Assemble.Domain.Auditing;
using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Referrals;

/// <summary>
/// The referral board's housekeeping: introductions past their 72-hour deadline become expired (reads already show
/// them so), and 90 days after a request closes its free text and both contact channels are deleted while the
/// coded need and outcome stay for statistics. Safe to run on several nodes at once and to re-run.
/// </summary>
public static class ReferralJobs
{
    public sealed record Report(int Expired, int Forgotten);

    public static async Task<Report> RunOnceAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var expired = await db.Introductions.Where(i => i.Status == IntroductionStatus.Sent && i.RespondBy < now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, IntroductionStatus.Expired).SetProperty(i => i.UpdatedAt, now), cancellationToken);

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
                db.AuditEntries.Add(new AuditEntry(null, "referral.free_text_deleted", "referral_request", request.Id, now));
                forgotten++;
            }
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
        return new Report(expired, forgotten);
    }
}
