using Assemble.Api.Features.Email;
using Assemble.Domain.Common;
using Assemble.Domain.Members;
using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Referrals;

/// <summary>
/// Mail about introductions, written to the outbox in the same transaction as the change. It says that something
/// happened and where to look, never the need or anyone's contact: those stay behind the sign-in and the access log.
/// </summary>
public static class ReferralMail
{
    private const string Zone = "Asia/Tokyo";

    public static async Task InvitedAsync(AppDbContext db, IReadOnlyList<Introduction> introductions, DateTimeOffset now, CancellationToken ct)
    {
        var recipients = await Notices.RecipientsAsync(db, introductions.Select(i => i.InviteeId).ToList(), ct);
        foreach (var i in introductions)
        {
            if (!recipients.TryGetValue(i.InviteeId, out var r)) continue;
            var by = EventMail.When(i.RespondBy, Zone, r.Language);
            var (subject, body) = r.Language == PreferredLanguage.Ja
                ? ("【Assemble】紹介のご相談が届きました", $"あなたの実践プロフィールをご覧になった専門職から、紹介のご相談が届きました。\n{by} までに、Assemble の「紹介」から内容をご確認のうえ、お受けするかどうかご回答ください。\n依頼者の連絡先は、お受けいただいた後に表示されます。")
                : ("[Assemble] A referral need was shared with you", $"A professional who saw your practice profile has shared a referral need with you.\nPlease read it under Introductions in Assemble and accept or decline by {by}.\nThe requester's contact is shown once you accept.");
            db.OutboxEmails.Add(new OutboxEmail(r.Email, subject, body, null, essential: true, now));
        }
    }

    public static async Task AnsweredAsync(AppDbContext db, ReferralRequest request, Introduction introduction, DateTimeOffset now, CancellationToken ct)
    {
        var recipients = await Notices.RecipientsAsync(db, [request.RequesterId], ct);
        if (!recipients.TryGetValue(request.RequesterId, out var r)) return;
        var ja = r.Language == PreferredLanguage.Ja;
        var (subject, body) = introduction.Status == IntroductionStatus.Accepted
            ? ja
                ? ("【Assemble】紹介のご相談が受諾されました", "ご相談先の専門職が紹介をお受けしました。Assemble の紹介依頼から、先方の連絡先をご確認ください。")
                : ("[Assemble] Your introduction was accepted", "The professional you invited has accepted. Their contact is now shown on your referral request in Assemble.")
            : ja
                ? ("【Assemble】紹介のご相談への回答", $"ご相談先の専門職から、今回はお受けできないとの回答がありました（理由: {Reason(introduction.DeclineReason, true)}）。")
                : ("[Assemble] An answer to your introduction", $"The professional you invited cannot take this referral (reason: {Reason(introduction.DeclineReason, false)}).");
        db.OutboxEmails.Add(new OutboxEmail(r.Email, subject, body, null, essential: true, now));
    }

    private static string Reason(DeclineReason? reason, bool ja) => reason switch
    {
        DeclineReason.NoCapacity => ja ? "受け入れ枠がない" : "no capacity",
        DeclineReason.NotMySpecialty => ja ? "専門外" : "not their specialty",
        DeclineReason.Area => ja ? "地域が合わない" : "area",
        DeclineReason.Fee => ja ? "料金が合わない" : "fee",
        _ => ja ? "その他" : "other",
    };
}
