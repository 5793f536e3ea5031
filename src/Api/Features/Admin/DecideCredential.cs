using Assemble.Api.Common.Json;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Credentials;
using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Domain.Credentials;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Admin;

public static class VerifyCredential
{
    public sealed class Handler(CredentialDecisions decisions)
    {
        public Task<Result<CredentialView>> HandleAsync(ClaimsPrincipal admin, Guid id, CancellationToken cancellationToken)
            => decisions.DecideAsync(admin, id, "credential.verified", (c, adminId, now) => c.Verify(adminId, now), cancellationToken);
    }
}

public static class RejectCredential
{
    public sealed record Request([property: AllowLineBreaks] string? Reason);

    public sealed class Handler(CredentialDecisions decisions)
    {
        public Task<Result<CredentialView>> HandleAsync(ClaimsPrincipal admin, Guid id, Request request, CancellationToken cancellationToken)
            => decisions.DecideAsync(admin, id, "credential.rejected", (c, adminId, now) => c.Reject(adminId, request.Reason ?? "", now), cancellationToken);
    }
}

public static class RevokeCredential
{
    public sealed record Request([property: AllowLineBreaks] string? Reason);

    public sealed class Handler(CredentialDecisions decisions)
    {
        public Task<Result<CredentialView>> HandleAsync(ClaimsPrincipal admin, Guid id, Request request, CancellationToken cancellationToken)
            => decisions.DecideAsync(admin, id, "credential.revoked", (c, adminId, now) => c.Revoke(adminId, request.Reason ?? "", now), cancellationToken);
    }
}

/// <summary>
/// What verifying, rejecting and revoking share: load, decide, write the decision and its audit line in one transaction,
/// then tell the member. Two admins deciding at once: the second gets 409.
/// </summary>
public sealed class CredentialDecisions(AppDbContext db, TimeProvider time, IEmailSender email)
{
    public async Task<Result<CredentialView>> DecideAsync(
        ClaimsPrincipal admin, Guid id, string action, Func<Credential, Guid, DateTimeOffset, Result> decide, CancellationToken cancellationToken)
    {
        var adminId = admin.RequiredMemberId();
        var now = time.GetUtcNow();
        var credential = await db.Credentials.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (credential is null) return CredentialErrors.NotFound;

        var decided = decide(credential, adminId, now);
        if (!decided.IsSuccess) return decided.Error!;

        db.AuditEntries.Add(new AuditEntry(adminId, action, "credential", credential.Id, now, credential.Kind.ToString(), subjectId: credential.MemberId));
        try
        {
            // The decision, its audit line and the member's mail are saved together: all or nothing.
            await email.SendAsync(await MessageAsync(credential, cancellationToken), cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return CredentialErrors.AlreadyDecided(CredentialStatus.Pending == credential.Status ? CredentialStatus.Verified : credential.Status);
        }
        return CredentialView.Of(credential, DateOnly.FromDateTime(now.UtcDateTime));
    }

    /// <summary>The decision in the member's preferred language (Japanese unless they chose English).</summary>
    private async Task<EmailMessage> MessageAsync(Credential credential, CancellationToken cancellationToken)
    {
        var to = (await Email.Notices.RecipientsAsync(db, [credential.MemberId], cancellationToken))[credential.MemberId];
        var ja = to.Language != PreferredLanguage.En;
        var reason = credential.RejectionReason;
        var (subject, body) = credential.Status switch
        {
            CredentialStatus.Verified => ja
                ? ("【Assemble】資格が確認されました", "ご提出いただいた資格を確認しました。プロフィールに確認済みの職種として表示されます。")
                : ("[Assemble] Your credential is verified", "We verified the credential you submitted. It now shows on your profile as a verified profession."),
            CredentialStatus.Revoked => ja
                ? ("【Assemble】資格の確認を取り消しました", $"ご提出いただいた資格の確認を取り消しました。理由:\n\n{reason}\n\n確認済みの職種としての表示と紹介掲示板への掲載は停止しています。ご不明な点は事務局までお問い合わせください。")
                : ("[Assemble] Your credential's verification was withdrawn", $"We have withdrawn the verification of your credential. Reason:\n\n{reason}\n\nYour profession no longer shows as verified, and your practice is no longer listed on the referral board. Please contact the office with any questions."),
            _ => ja
                ? ("【Assemble】資格を確認できませんでした", $"ご提出いただいた資格を確認できませんでした。理由:\n\n{reason}\n\n内容を確認のうえ、再度ご提出ください。")
                : ("[Assemble] Your credential could not be verified", $"We could not verify the credential you submitted. Reason:\n\n{reason}\n\nPlease check the details and submit again."),
        };
        return new EmailMessage(to.Email, subject, body);
    }
}
