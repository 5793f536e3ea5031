using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Domain.Credentials;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Assemble.Api.Features.Credentials;

public static class SubmitCredential
{
    public sealed record Request([Required] Profession? Kind, [Required] string? RegistrationNumber, [Required] string? Issuer, DateOnly? ExpiresOn);

    public sealed class Handler(AppDbContext db, TimeProvider time)
    {
        public async Task<Result<CredentialView>> HandleAsync(ClaimsPrincipal user, Request request, CancellationToken cancellationToken)
        {
            var memberId = user.RequiredMemberId();
            var missing = new Dictionary<string, string[]>();
            if (request.Kind is null) missing["kind"] = ["Required."];
            if (request.RegistrationNumber is null) missing["registrationNumber"] = ["Required."];
            if (request.Issuer is null) missing["issuer"] = ["Required."];
            if (missing.Count > 0) return Error.Validation("credential.invalid", missing);

            var now = time.GetUtcNow();
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var submitted = Credential.Submit(memberId, request.Kind!.Value, request.RegistrationNumber!, request.Issuer!, request.ExpiresOn, now);
            if (!submitted.IsSuccess) return submitted.Error!;

            var sameKind = await db.Credentials
                .Where(c => c.MemberId == memberId && c.Kind == request.Kind && (c.Status == CredentialStatus.Pending || c.Status == CredentialStatus.Verified))
                .ToListAsync(cancellationToken);
            if (sameKind.Any(c => c.IsOpenOn(today))) return CredentialErrors.AlreadySubmitted;
            foreach (var lapsed in sameKind) lapsed.MarkExpired(today);

            var credential = submitted.Value!;
            db.Credentials.Add(credential);
            db.AuditEntries.Add(new AuditEntry(memberId, "credential.submitted", "credential", credential.Id, now, credential.Kind.ToString(), subjectId: memberId));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                return CredentialErrors.AlreadySubmitted; // the same member submitted twice at once
            }
            return CredentialView.Of(credential, today);
        }
    }
}
