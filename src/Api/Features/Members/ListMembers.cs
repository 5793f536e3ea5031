using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Auditing;
using Assemble.Domain.Credentials;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Members;

public static class ListMembers
{
    public sealed record Query(Profession? Profession, Prefecture? Prefecture, string? Q, Guid? After, int Take);

    /// <summary>
    /// The members' directory, newest first. Filters only match fields the viewer may see, so a filter can never
    /// reveal a value the member keeps from that viewer; hidden profiles never appear (except to admins, whose
    /// reads of every field go to each member's access log).
    /// </summary>
    public sealed class Handler(AppDbContext db, Viewers viewers, TimeProvider time)
    {
        public async Task<Page<MemberProfileView>> HandleAsync(ClaimsPrincipal user, Query query, CancellationToken cancellationToken)
        {
            var viewer = await viewers.LevelOfAsync(user, cancellationToken);
            var level = (Visibility)(int)viewer;
            var today = viewers.Today();
            var isAdmin = viewer == ViewerLevel.Owner;
            var valid = db.Credentials.Where(CredentialValidity.On(today));

            var members = db.MemberProfiles.AsNoTracking().Where(p => isAdmin || !p.IsHidden);
            if (query.After is { } after) members = members.Where(p => p.Id.CompareTo(after) < 0);
            if (query.Profession is { } profession)
                members = members.Where(p => p.ProfessionsVisibility <= level && (p.Professions.Contains(profession)
                    || valid.Any(c => c.MemberId == p.Id && c.Kind == profession)));
            if (query.Prefecture is { } prefecture)
                members = members.Where(p => p.PrefectureVisibility <= level && p.Prefecture == prefecture);
            if (!string.IsNullOrWhiteSpace(query.Q))
            {
                var pattern = QueryValues.Containing(query.Q);
                members = members.Where(p => EF.Functions.ILike(p.DisplayName, pattern, "\\")
                    || (p.NameKanaVisibility <= level && EF.Functions.ILike(p.NameKana!, pattern, "\\"))
                    || (p.OrganisationVisibility <= level && EF.Functions.ILike(p.Organisation!, pattern, "\\"))
                    || (p.BioVisibility <= level && EF.Functions.ILike(p.Bio!, pattern, "\\")));
            }

            var rows = await members.OrderByDescending(p => p.Id).Take(query.Take + 1).ToListAsync(cancellationToken);
            if (isAdmin)
            {
                var me = user.RequiredMemberId();
                var now = time.GetUtcNow();
                foreach (var p in rows.Take(query.Take).Where(p => p.Id != me))
                    db.AuditEntries.Add(new AuditEntry(me, "profile.read", "member", p.Id, now, "list", subjectId: p.Id));
                await db.SaveChangesAsync(cancellationToken);
            }
            var verified = await viewers.VerifiedProfessionsAsync(rows.Select(r => r.Id).ToList(), cancellationToken);
            var views = rows.Select(p => MemberProfileView.For(p, verified.GetValueOrDefault(p.Id) ?? [],
                user.MemberId() == p.Id ? ViewerLevel.Owner : viewer)).ToList();
            return Cursor.ToPage(views, query.Take, v => v.Id);
        }
    }
}
