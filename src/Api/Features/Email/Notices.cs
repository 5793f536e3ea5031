using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Email;

/// <summary>Who the platform's mail can reach.</summary>
public static class Notices
{
    public sealed record Recipient(Guid MemberId, string Email, PreferredLanguage Language);

    /// <summary>Who can be mailed among these members: a deleted account is nobody's any more and gets nothing.</summary>
    public static async Task<Dictionary<Guid, Recipient>> RecipientsAsync(AppDbContext db, IReadOnlyCollection<Guid> memberIds, CancellationToken cancellationToken)
        => (await db.Users.AsNoTracking().Where(u => memberIds.Contains(u.Id) && u.Email != null && u.DeletedAt == null)
                .GroupJoin(db.MemberProfiles, u => u.Id, p => p.Id, (u, p) => new { u, p })
                .SelectMany(x => x.p.DefaultIfEmpty(), (x, p) => new { x.u.Id, x.u.Email, Language = p == null ? PreferredLanguage.Ja : p.PreferredLanguage })
                .ToListAsync(cancellationToken))
            .ToDictionary(x => x.Id, x => new Recipient(x.Id, x.Email!, x.Language));

    /// <summary>
    /// One essential mail to a member in their language, written to the outbox in the caller's transaction (so it goes
    /// only if the change commits). A deleted account gets nothing.
    /// </summary>
    public static async Task MailAsync(AppDbContext db, Guid memberId, Func<PreferredLanguage, (string Subject, string Body)> text, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if ((await RecipientsAsync(db, [memberId], cancellationToken)).GetValueOrDefault(memberId) is not { } to) return;
        var (subject, body) = text(to.Language);
        db.OutboxEmails.Add(new Domain.Common.OutboxEmail(to.Email, subject, body, null, essential: true, now));
    }
}
