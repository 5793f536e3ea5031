using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Credentials;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Identity;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Members;

public static class GetMyProfile
{
    /// <summary>The owner's own view: every field with its visibility setting, roles and e-mail status.</summary>
    public sealed record Response(
        Guid Id,
        string Email,
        bool EmailConfirmed,
        IReadOnlyList<string> Roles,
        bool ProfileComplete,
        string? DisplayName,
        string? NameKana,
        IReadOnlyList<Profession> Professions,
        IReadOnlyList<Profession> VerifiedProfessions,
        string? Organisation,
        Prefecture? Prefecture,
        string? Bio,
        IReadOnlyList<string> Interests,
        PreferredLanguage PreferredLanguage,
        FieldVisibility Visibility,
        bool Hidden,
        DateTimeOffset? UpdatedAt);

    public sealed class Handler(AppDbContext db, Viewers viewers)
    {
        public Task<Response> HandleAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
            => ReadAsync(db, user.RequiredMemberId(), viewers.Today(), cancellationToken);

        /// <summary>The owner's view of account <paramref name="id"/> (also the answer to an update).</summary>
        public static async Task<Response> ReadAsync(AppDbContext db, Guid id, DateOnly today, CancellationToken cancellationToken)
        {
            var account = await db.Users.AsNoTracking().Where(u => u.Id == id)
                .Select(u => new { u.Email, u.EmailConfirmed }).SingleAsync(cancellationToken);
            var profile = await db.MemberProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
            var credentials = await db.Credentials.AsNoTracking().Where(c => c.MemberId == id).ToListAsync(cancellationToken);
            var roles = await db.UserRoles.Where(ur => ur.UserId == id)
                .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync(cancellationToken);
            return ToResponse(id, account.Email!, account.EmailConfirmed, roles, profile,
                Credential.VerifiedProfessions(credentials, today));
        }

        internal static Response ToResponse(Guid id, string email, bool confirmed, IReadOnlyList<string> roles, MemberProfile? p, IReadOnlyList<Profession> verified)
            => new(
                id, email, confirmed, [Domain.Members.Roles.Member, .. roles.Order()],
                p is not null,
                p?.DisplayName, p?.NameKana, p?.Professions ?? [], verified, p?.Organisation, p?.Prefecture, p?.Bio,
                p?.Interests ?? [], p?.PreferredLanguage ?? PreferredLanguage.Ja,
                p is null ? new FieldVisibility(MemberProfile.DefaultVisibility, MemberProfile.DefaultVisibility, MemberProfile.DefaultVisibility,
                    MemberProfile.DefaultVisibility, MemberProfile.DefaultVisibility, MemberProfile.DefaultVisibility) : FieldVisibility.Of(p),
                p?.IsHidden ?? false, p?.UpdatedAt);
    }
}
