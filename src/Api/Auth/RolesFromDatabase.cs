using System.Security.Claims;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Auth;

/// <summary>
/// Each instance's copy of who holds which role. Every account is a member; the roles beyond that (organizer, admin)
/// are held by few, so the instance keeps all of them as one snapshot under the access version (<see cref="AccessStamp"/>),
/// read again only when the version moves (requests meanwhile wait for that one read), instead of one query per
/// member: a rush of members who hold no role costs no round trip for roles. With snapshots off
/// (<see cref="AccessOptions.AccessRecheckMilliseconds"/> 0) every request reads the member's own roles.
/// </summary>
public sealed class RoleCache(AccessStamp access, TimeProvider time)
{
    private readonly KeptLoads<bool, IReadOnlyDictionary<Guid, IReadOnlyList<string>>> snapshot = new(limit: 1);

    /// <summary>How many snapshots this instance has read (for tests).</summary>
    public long Reads => snapshot.Loads;

    /// <param name="one">The member's own roles (no cache).</param>
    /// <param name="all">Every role held, by member; runs in the request that finds no usable snapshot, and must not depend on its cancellation.</param>
    public async Task<IReadOnlyList<string>> GetAsync(Guid userId, Func<Task<List<string>>> one, Func<Task<List<(Guid UserId, string Role)>>> all)
    {
        if (!access.Keeps) return await one();

        var readHere = false;
        try
        {
            var version = await access.CurrentAsync();
            var roles = await snapshot.GetAsync(true, version, time.GetUtcNow(), Timeout.InfiniteTimeSpan, async () =>
            {
                readHere = true;
                var rows = await all();
                return rows.GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(r => r.Role).ToList());
            });
            return roles.TryGetValue(userId, out var held) ? held : [];
        }
        catch (Exception) when (!readHere)
        {
            // The shared read failed (its own request gets the error): this one reads the member's roles alone.
            return await one();
        }
    }

    /// <summary>Called when this instance changes a member's roles: the next request reads the version, which the commit moved.</summary>
    public void Forget() => access.Forget();
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

    private sealed record Held(Guid UserId, string Role);

    /// <summary>Every role held beyond "member" (organizers and admins: few rows), for <see cref="RoleCache"/>'s snapshot.</summary>
    private static readonly Func<AppDbContext, IAsyncEnumerable<Held>> EveryRole = EF.CompileAsyncQuery((AppDbContext db) =>
        db.UserRoles.Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new Held(ur.UserId, r.Name!)));

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
        }, async () =>
        {
            var held = new List<(Guid, string)>();
            await foreach (var row in EveryRole(db)) held.Add((row.UserId, row.Role));
            return held;
        });

        var fresh = new ClaimsIdentity(
            identity.Claims.Where(c => c.Type != identity.RoleClaimType),
            identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType);
        fresh.AddClaims(roles.Select(r => new Claim(identity.RoleClaimType, r)));
        fresh.AddClaim(new Claim(LoadedMarker, "1"));
        return new ClaimsPrincipal(fresh);
    }
}
