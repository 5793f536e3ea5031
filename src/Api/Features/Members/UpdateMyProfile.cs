using Assemble.Api.Common.Json;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Common;
using Assemble.Domain.Credentials;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Members;

public static class UpdateMyProfile
{
    /// <summary>The whole profile (PUT replaces it). Only <c>displayName</c> is required.</summary>
    public sealed record Request(
        [Required] string? DisplayName,
        string? NameKana,
        List<Profession>? Professions,
        string? Organisation,
        Prefecture? Prefecture,
        [property: AllowLineBreaks] string? Bio,
        List<string>? Interests,
        PreferredLanguage? PreferredLanguage,
        FieldVisibility? Visibility,
        bool? Hidden);

    public sealed class Handler(AppDbContext db, TimeProvider time)
    {
        public async Task<Result<GetMyProfile.Response>> HandleAsync(ClaimsPrincipal user, Request request, CancellationToken cancellationToken)
        {
            var id = user.RequiredMemberId();
            if (string.IsNullOrWhiteSpace(request.DisplayName))
                return Error.Validation("profile.invalid", new Dictionary<string, string[]> { ["displayName"] = ["Enter a display name."] });

            var details = new ProfileDetails(
                request.DisplayName,
                request.NameKana,
                request.Professions ?? [],
                request.Organisation,
                request.Prefecture,
                request.Bio,
                request.Interests ?? [],
                request.PreferredLanguage ?? PreferredLanguage.Ja,
                (request.Visibility ?? new FieldVisibility()).ToDictionary(),
                request.Hidden ?? false);

            var now = time.GetUtcNow();
            var profile = await db.MemberProfiles.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
            if (profile is null)
            {
                var created = MemberProfile.Create(id, details, now);
                if (!created.IsSuccess) return created.Error!;
                db.MemberProfiles.Add(created.Value!);
            }
            else
            {
                var updated = profile.Update(details, now);
                if (!updated.IsSuccess) return updated.Error!;
            }
            await db.SaveChangesAsync(cancellationToken);
            return await GetMyProfile.Handler.ReadAsync(db, id, DateOnly.FromDateTime(now.UtcDateTime), cancellationToken);
        }
    }
}
