using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Common;
using Assemble.Domain.Credentials;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Credentials;

public static class ListMyCredentials
{
    public sealed class Handler(AppDbContext db, TimeProvider time)
    {
        public async Task<Page<CredentialView>> HandleAsync(ClaimsPrincipal user, Guid? after, int take, CancellationToken cancellationToken)
        {
            var memberId = user.RequiredMemberId();
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var query = db.Credentials.AsNoTracking().Where(c => c.MemberId == memberId);
            if (after is { } a) query = query.Where(c => c.Id.CompareTo(a) < 0);
            var rows = await query.OrderByDescending(c => c.Id).Take(take + 1).ToListAsync(cancellationToken);
            return Cursor.ToPage(rows.Select(c => CredentialView.Of(c, today)).ToList(), take, v => v.Id);
        }
    }
}

public static class GetMyCredential
{
    public sealed class Handler(AppDbContext db, TimeProvider time)
    {
        /// <summary>Another member's credential is "not found": its existence is not the caller's to know.</summary>
        public async Task<Result<CredentialView>> HandleAsync(ClaimsPrincipal user, Guid id, CancellationToken cancellationToken)
        {
            var memberId = user.RequiredMemberId();
            var credential = await db.Credentials.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.MemberId == memberId, cancellationToken);
            if (credential is null) return CredentialErrors.NotFound;
            return CredentialView.Of(credential, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        }
    }
}
