using System.Security.Claims;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Auth;

/// <summary>
/// Replaces the role claims carried in a token with the roles the database holds now, so that granting or
/// revoking a role takes effect on the next request rather than when the token expires.
/// </summary>
public sealed class RolesFromDatabase(AppDbContext db) : IClaimsTransformation
{
    private const string LoadedMarker = "assemble:roles_loaded";

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } identity) return principal;
        if (identity.HasClaim(c => c.Type == LoadedMarker)) return principal;
        if (!Guid.TryParse(identity.FindFirst(ClaimTypes.NameIdentifier)?.Value, out var userId)) return principal;

        var roles = await db.UserRoles.Where(ur => ur.UserId == userId)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!)
            .ToListAsync();

        var fresh = new ClaimsIdentity(
            identity.Claims.Where(c => c.Type != identity.RoleClaimType),
            identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType);
        fresh.AddClaims(roles.Select(r => new Claim(identity.RoleClaimType, r)));
        fresh.AddClaim(new Claim(LoadedMarker, "1"));
        return new ClaimsPrincipal(fresh);
    }
}
