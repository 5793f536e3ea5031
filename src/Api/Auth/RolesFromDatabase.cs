using System.Security.Claims;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Auth;

public sealed class RoleCacheOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// How long an instance reuses a member's roles read from the database. A change made through this instance
    /// takes effect on the next request; one made through another instance within this many seconds. 0 = no cache.
    /// </summary>
    public int RoleCacheSeconds { get; set; } = 10;
}

/// <summary>Each instance's short-lived memory of members' roles (saves a query on every authenticated request).</summary>
public sealed class RoleCache(IMemoryCache cache, IOptions<RoleCacheOptions> options)
{
    public async Task<IReadOnlyList<string>> GetAsync(Guid userId, Func<Task<List<string>>> load)
    {
        var seconds = options.Value.RoleCacheSeconds;
        if (seconds <= 0) return await load();
        if (cache.TryGetValue(Key(userId), out IReadOnlyList<string>? roles)) return roles!;
        roles = await load();
        cache.Set(Key(userId), roles, TimeSpan.FromSeconds(seconds));
        return roles;
    }

    /// <summary>Called when this instance changes a member's roles.</summary>
    public void Forget(Guid userId) => cache.Remove(Key(userId));

    private static string Key(Guid userId) => $"roles:{userId}";
}

/// <summary>
/// Replaces the role claims carried in a token with the roles the database holds (through <see cref="RoleCache"/>),
/// so that granting or revoking a role does not wait for the token to expire.
/// </summary>
public sealed class RolesFromDatabase(AppDbContext db, RoleCache cache) : IClaimsTransformation
{
    private const string LoadedMarker = "assemble:roles_loaded";

    /// <summary>Compiled once: every request of a member whose roles are not cached runs it, so EF's per-call query work is skipped.</summary>
    private static readonly Func<AppDbContext, Guid, IAsyncEnumerable<string>> RolesOf = EF.CompileAsyncQuery((AppDbContext db, Guid userId) =>
        db.UserRoles.Where(ur => ur.UserId == userId).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!));

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } identity) return principal;
        if (identity.HasClaim(c => c.Type == LoadedMarker)) return principal;
        if (!Guid.TryParse(identity.FindFirst(ClaimTypes.NameIdentifier)?.Value, out var userId)) return principal;

        var roles = await cache.GetAsync(userId, async () =>
        {
            var names = new List<string>();
            await foreach (var name in RolesOf(db, userId)) names.Add(name);
            return names;
        });

        var fresh = new ClaimsIdentity(
            identity.Claims.Where(c => c.Type != identity.RoleClaimType),
            identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType);
        fresh.AddClaims(roles.Select(r => new Claim(identity.RoleClaimType, r)));
        fresh.AddClaim(new Claim(LoadedMarker, "1"));
        return new ClaimsPrincipal(fresh);
    }
}
