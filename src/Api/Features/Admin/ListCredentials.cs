using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Credentials;
using Assemble.Domain.Auditing;
using Assemble.Domain.Credentials;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Admin;

public static class ListCredentials
{
    /// <summary>A credential in the admins' queue, with who submitted it.</summary>
    public sealed record MemberCredential(CredentialView Credential, string? MemberDisplayName, string MemberEmail);

    public sealed class Handler(AppDbContext db, TimeProvider time)
    {
        /// <summary>Oldest first, so the queue is worked in order. Reading registration numbers is written to the audit log.</summary>
        public async Task<Page<MemberCredential>> HandleAsync(ClaimsPrincipal admin, CredentialStatus? status, Guid? after, int take, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var query = db.Credentials.AsNoTracking();
            if (status is { } s) query = query.Where(c => c.Status == s);
            if (after is { } a) query = query.Where(c => c.Id.CompareTo(a) > 0);
            var rows = await query.OrderBy(c => c.Id).Take(take + 1)
                .Join(db.Users, c => c.MemberId, u => u.Id, (c, u) => new { Credential = c, u.Email })
                .GroupJoin(db.MemberProfiles, x => x.Credential.MemberId, p => p.Id, (x, p) => new { x.Credential, x.Email, Profiles = p })
                .SelectMany(x => x.Profiles.DefaultIfEmpty(), (x, p) => new { x.Credential, x.Email, DisplayName = p == null ? null : p.DisplayName })
                .OrderBy(x => x.Credential.Id)
                .ToListAsync(cancellationToken);

            var adminId = admin.RequiredMemberId();
            db.AuditEntries.Add(new AuditEntry(adminId, "credentials.listed", "credential", null, now,
                $"status={status?.ToString() ?? "any"};count={Math.Min(rows.Count, take)}"));
            // And one line per credential shown, in its member's access log: the registration number was read.
            foreach (var r in rows.Take(take))
                db.AuditEntries.Add(new AuditEntry(adminId, "credential.read", "credential", r.Credential.Id, now, r.Credential.Kind.ToString(), subjectId: r.Credential.MemberId));
            await db.SaveChangesAsync(cancellationToken);

            var items = rows.Select(r => new MemberCredential(CredentialView.Of(r.Credential, today), r.DisplayName, r.Email!)).ToList();
            return Cursor.ToPage(items, take, i => i.Credential.Id);
        }
    }
}
