using Assemble.Infrastructure.Identity;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Auth;

/// <summary>
/// Ends sessions when their account's security stamp changes: every bearer token and cookie carries the stamp it was
/// issued with, and a request whose stamp is no longer the account's is treated as anonymous (401). Only accounts
/// whose stamp changed within a token's lifetime can carry an old one (older cookies are re-checked by Identity's own
/// validator, every <see cref="CookieRecheck"/>), so each instance keeps just those accounts' stamps — a handful —
/// as one snapshot under the access version (<see cref="AccessStamp"/>, which moves at the commit of any stamp change,
/// through any instance), forgetting the version when this instance changes a stamp (<see cref="StampWatcher"/>): a
/// rush of members whose sessions are fine costs no round trip.
/// </summary>
public sealed class SessionStamps(AccessStamp access, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider time)
{
    /// <summary>A snapshot is read again after this long even if nothing moved, so that its window of recent changes moves on.</summary>
    private static readonly TimeSpan WindowShift = TimeSpan.FromMinutes(1);

    /// <summary>How often Identity re-checks a cookie against the database; the snapshot covers at least this long.</summary>
    public static readonly TimeSpan CookieRecheck = TimeSpan.FromMinutes(5);

    private readonly KeptLoads<bool, IReadOnlyDictionary<Guid, string>> snapshot = new(limit: 1);

    /// <summary>Accounts whose stamp changed after this instant may still have sessions with the old one.</summary>
    public DateTimeOffset Since(DateTimeOffset now)
    {
        var lifetime = bearer.Get(IdentityConstants.BearerScheme).BearerTokenExpiration;
        return now - (lifetime > CookieRecheck ? lifetime : CookieRecheck) - TimeSpan.FromMinutes(1);
    }

    /// <summary>The account's current stamp if it changed recently (else null: any session of it is current).</summary>
    public async Task<string?> RecentStampAsync(Guid userId, AppDbContext db)
    {
        if (!access.Keeps)
        {
            var since = Since(time.GetUtcNow());
            return await db.Users.Where(u => u.Id == userId && u.SecurityStampChangedAt > since).Select(u => u.SecurityStamp).SingleOrDefaultAsync();
        }
        var version = await access.CurrentAsync();
        var stamps = await snapshot.GetAsync(true, version, time.GetUtcNow(), WindowShift, async () =>
        {
            var since = Since(time.GetUtcNow());
            var rows = await db.Users.AsNoTracking().Where(u => u.SecurityStampChangedAt > since).Select(u => new { u.Id, u.SecurityStamp }).ToListAsync();
            return rows.ToDictionary(r => r.Id, r => r.SecurityStamp ?? "");
        });
        return stamps.TryGetValue(userId, out var stamp) ? stamp : null;
    }

    /// <summary>This instance changed a stamp: the next request reads the version, which the commit moved.</summary>
    public void Forget() => access.Forget();
}

/// <summary>
/// Right after authentication: a request whose session's stamp is no longer its account's gets 401
/// <c>auth.session_ended</c> (RFC 6750's <c>invalid_token</c>), on any route, and a browser's cookie is removed.
/// </summary>
public static class EndedSessions
{
    public static IApplicationBuilder UseEndedSessions(this IApplicationBuilder app)
        => app.Use(async (context, next) =>
        {
            if (context.User.Identity is { IsAuthenticated: true } identity
                && Guid.TryParse(context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value, out var userId))
            {
                var services = context.RequestServices;
                var stamp = await services.GetRequiredService<SessionStamps>().RecentStampAsync(userId, services.GetRequiredService<AppDbContext>());
                var claimType = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
                if (stamp is not null && context.User.FindFirst(claimType)?.Value != stamp)
                {
                    if (identity.AuthenticationType == IdentityConstants.ApplicationScheme)
                        await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.SignOutAsync(context, IdentityConstants.ApplicationScheme);
                    context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\", error_description=\"The session has ended; sign in again.\"";
                    var ended = new Microsoft.AspNetCore.Mvc.ProblemDetails
                    {
                        Status = StatusCodes.Status401Unauthorized,
                        Title = Common.Problems.TitleOf(401),
                        Detail = "This session has ended (password changed, signed out, or the account changed). Sign in again.",
                    };
                    ended.Extensions[Common.Problems.CodeKey] = "auth.session_ended";
                    await TypedResults.Problem(ended).ExecuteAsync(context);
                    return;
                }
            }
            await next(context);
        });
}

/// <summary>Notes when an account's security stamp changes, whichever code changed it (Identity or ours).</summary>
public sealed class StampWatcher(SessionStamps stamps, TimeProvider time) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Mark(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Mark(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (Changed(eventData.Context)) stamps.Forget();
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Changed(eventData.Context)) stamps.Forget();
        return ValueTask.FromResult(result);
    }

    private void Mark(DbContext? db)
    {
        if (db is null) return;
        foreach (var entry in db.ChangeTracker.Entries<AppUser>())
            // Identity's store marks every column modified on each update: only a stamp that really differs counts.
            if (entry.State == EntityState.Modified && entry.Property(u => u.SecurityStamp) is { IsModified: true } stamp
                && !string.Equals(stamp.OriginalValue, stamp.CurrentValue, StringComparison.Ordinal))
            {
                entry.Entity.SecurityStampChangedAt = time.GetUtcNow();
                _changed.Value = true;
            }
    }

    private readonly AsyncLocal<bool> _changed = new();

    private bool Changed(DbContext? db)
    {
        if (!_changed.Value) return false;
        _changed.Value = false;
        return true;
    }
}
