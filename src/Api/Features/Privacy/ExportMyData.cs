using System.Security.Claims;
using System.Text.Json;
using Assemble.Api.Common;
using Assemble.Api.Features.Credentials;
using Assemble.Api.Features.Members;
using Assemble.Api.Features.Referrals;
using Assemble.Api.Features.Registrations;
using Assemble.Api.Hosting;
using Assemble.Domain.Auditing;
using Assemble.Domain.Credentials;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Privacy;

/// <summary>
/// APPI art. 33 (disclosure): one JSON document of everything Assemble holds about the caller, downloaded as a file.
/// Other people appear only as what the caller already saw (a role and display name, an id they chose), never
/// with their contact or e-mail.
/// </summary>
public static class ExportMyData
{
    public const string FileName = "assemble-data-export.json";

    public static readonly IReadOnlyList<string> Notes =
    [
        "Credentials are held as the details you typed (kind, registration number, issuer, expiry); Assemble stores no files or images of them.",
        "Mail: subject, status and times of each message still in the outbox (sent mail is deleted after 30 days); bodies are not repeated here.",
        "Your calendar feed's address is not stored (only a hash of its token), so it cannot be exported; create a new one to see it again.",
        "Card and konbini payment details are held by Stripe, never by Assemble; the payment intent id identifies your payment there.",
        "Registration answers are deleted a set time after each event (Privacy:AnswerRetentionDays).",
    ];

    public sealed record Account(Guid Id, string Email, bool EmailConfirmed, DateTimeOffset CreatedAt, bool TwoFactorEnabled, IReadOnlyList<string> Roles);

    public sealed record WaitlistPlace(
        Guid Id, Guid EventId, string EventTitle, Guid TicketTypeId, WaitlistStatus Status, DateTimeOffset JoinedAt, DateTimeOffset? OfferedAt,
        DateTimeOffset? OfferExpiresAt, DateTimeOffset? RespondedAt, IReadOnlyList<Answer> Answers, bool PledgeAccepted);

    public sealed record RefundRecord(Guid Id, int AmountYen, RefundReason Reason, RefundStatus Status, string? FailureReason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    public sealed record PaymentRecord(
        Guid Id, PaymentPurpose Purpose, Guid? RegistrationId, Guid? EventId, string? PlanCode, int AmountYen, PaymentStatus Status, string? StripePaymentIntentId, DateTimeOffset CreatedAt,
        DateTimeOffset? PaidAt, IReadOnlyList<RefundRecord> Refunds);

    public sealed record MailRecord(Guid Id, string Subject, Domain.Common.OutboxEmailStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? SentAt);

    public sealed record MailPreferences(bool Reminders);

    /// <summary>An introduction of one of the caller's requests: how it went, never the invited person's identity or contact.</summary>
    public sealed record SentIntroduction(Guid Id, IntroductionStatus Status, DateTimeOffset SentAt, DateTimeOffset RespondBy, DateTimeOffset? AnsweredAt, DeclineReason? DeclineReason);

    public sealed record OwnReferralRequest(ReferralRequests.ReferralRequestView Request, ContactChannel? YourContact, IReadOnlyList<SentIntroduction> Introductions);

    /// <summary>An introduction the caller was invited to: their answer and contact, never the requester's.</summary>
    public sealed record ReceivedIntroduction(
        Guid Id, Guid RequestId, IntroductionStatus Status, DateTimeOffset SentAt, DateTimeOffset RespondBy, DateTimeOffset? AnsweredAt,
        DeclineReason? DeclineReason, ContactChannel? YourContact);

    public sealed record CalendarFeedRecord(DateTimeOffset CreatedAt);

    public sealed record MatchmakingChoice(Guid EventId, Guid ChosenMemberId, DateTimeOffset ChosenAt);

    /// <summary>A line of the audit log about the caller or by them; the target is named only when it is theirs.</summary>
    public sealed record AuditLine(Guid Id, DateTimeOffset OccurredAt, string Action, string TargetType, Guid? TargetId, string? Detail, ActorView Actor);

    public sealed record Document(
        DateTimeOffset GeneratedAt,
        IReadOnlyList<string> Notes,
        Account Account,
        GetMyProfile.Response Profile,
        IReadOnlyList<CredentialView> Credentials,
        IReadOnlyList<RegistrationView> Registrations,
        IReadOnlyList<WaitlistPlace> Waitlist,
        IReadOnlyList<PaymentRecord> Payments,
        IReadOnlyList<Memberships.MembershipDues.MembershipPaymentView> MembershipPayments,
        IReadOnlyList<Receipts.Receipts.ReceiptView> Receipts,
        IReadOnlyList<MailRecord> Mail,
        MailPreferences MailPreferences,
        IReadOnlyList<OwnReferralRequest> ReferralRequests,
        IReadOnlyList<ReceivedIntroduction> IntroductionsReceived,
        PracticeProfiles.PracticeProfileView? PracticeProfile,
        CalendarFeedRecord? CalendarFeed,
        IReadOnlyList<MatchmakingChoice> MatchmakingChoices,
        IReadOnlyList<AuditLine> AuditLog);

    private static readonly JsonSerializerOptions Json = Indented();

    private static JsonSerializerOptions Indented()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true };
        ApiSetup.ConfigureJson(options);
        return options;
    }

    public sealed class Handler(AppDbContext db, Viewers viewers, AuditActors actors, TimeProvider time)
    {
        /// <summary>The document as UTF-8 JSON; the export itself is written to the audit log first.</summary>
        public async Task<byte[]> HandleAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
        {
            var me = user.RequiredMemberId();
            var now = time.GetUtcNow();
            db.AuditEntries.Add(new AuditEntry(me, "member.data_exported", "member", me, now, subjectId: me));
            await db.SaveChangesAsync(cancellationToken);
            return JsonSerializer.SerializeToUtf8Bytes(await ReadAsync(me, now, cancellationToken), Json);
        }

        private async Task<Document> ReadAsync(Guid me, DateTimeOffset now, CancellationToken ct)
        {
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == me, ct);
            var roles = await db.UserRoles.Where(ur => ur.UserId == me).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync(ct);
            var profile = await db.MemberProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.Id == me, ct);
            var credentials = await db.Credentials.AsNoTracking().Where(c => c.MemberId == me).OrderBy(c => c.Id).ToListAsync(ct);
            var verified = Credential.VerifiedProfessions(credentials, today);

            var registrations = await db.Registrations.AsNoTracking().Where(r => r.MemberId == me).OrderBy(r => r.Id).ToListAsync(ct);
            var waitlist = await db.WaitlistEntries.AsNoTracking().Where(w => w.MemberId == me).OrderBy(w => w.Id).ToListAsync(ct);
            var eventIds = registrations.Select(r => r.EventId).Concat(waitlist.Select(w => w.EventId)).Distinct().ToList();
            var events = await db.Events.AsNoTracking().Include(e => e.TicketTypes).Where(e => eventIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, ct);
            var registrationIds = registrations.Select(r => r.Id).ToList();
            var checkIns = (await db.CheckIns.AsNoTracking().Where(c => registrationIds.Contains(c.RegistrationId)).ToListAsync(ct))
                .ToLookup(c => c.RegistrationId, c => c.SessionId);

            var payments = await db.Payments.AsNoTracking().Where(p => p.MemberId == me).OrderBy(p => p.Id).ToListAsync(ct);
            var paymentIds = payments.Select(p => p.Id).ToList();
            var refunds = (await db.Refunds.AsNoTracking().Where(r => paymentIds.Contains(r.PaymentId)).OrderBy(r => r.Id).ToListAsync(ct)).ToLookup(r => r.PaymentId);

            // The outbox has no member column: mail is found by the address it went to (a scan of a table kept small by retention).
            var email = user.Email ?? "";
            var mail = await db.OutboxEmails.AsNoTracking().Where(m => m.To.ToLower() == email.ToLower()).OrderBy(m => m.Id)
                .Select(m => new MailRecord(m.Id, m.Subject, m.Status, m.CreatedAt, m.SentAt)).ToListAsync(ct);
            var reminders = await db.MailPreferences.AsNoTracking().Where(p => p.MemberId == me).Select(p => (bool?)p.Reminders).SingleOrDefaultAsync(ct);

            var requests = await db.ReferralRequests.AsNoTracking().Include(r => r.Introductions).Where(r => r.RequesterId == me).OrderBy(r => r.Id).ToListAsync(ct);
            var received = await db.Introductions.AsNoTracking().Where(i => i.InviteeId == me).OrderBy(i => i.Id).ToListAsync(ct);
            var practice = await db.PracticeProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.MemberId == me, ct);
            var listedAs = practice is null ? [] : (await viewers.VerifiedProfessionsAsync([me], ct)).GetValueOrDefault(me) ?? [];
            var feed = await db.CalendarFeeds.AsNoTracking().Where(f => f.MemberId == me).Select(f => new CalendarFeedRecord(f.CreatedAt)).SingleOrDefaultAsync(ct);
            var choices = await db.MatchmakingSelections.AsNoTracking().Where(s => s.ChooserId == me).OrderBy(s => s.CreatedAt)
                .Select(s => new MatchmakingChoice(s.EventId, s.ChosenId, s.CreatedAt)).ToListAsync(ct);

            var audit = await db.AuditEntries.AsNoTracking().Where(e => e.SubjectId == me || e.ActorId == me).OrderBy(e => e.Id).ToListAsync(ct);
            var actor = await actors.DescribeAsync(me, audit.Select(e => e.ActorId), ct);

            return new Document(
                now,
                Notes,
                new Account(me, email, user.EmailConfirmed, user.CreatedAt, user.TwoFactorEnabled, [Domain.Members.Roles.Member, .. roles.Order()]),
                GetMyProfile.Handler.ToResponse(me, email, user.EmailConfirmed, roles, profile, verified),
                credentials.Select(c => CredentialView.Of(c, today)).ToList(),
                registrations.Select(r => RegistrationView.Of(r, events[r.EventId], checkIns[r.Id].ToList())).ToList(),
                waitlist.Select(w => new WaitlistPlace(w.Id, w.EventId, events[w.EventId].Title, w.TicketTypeId, w.Status, w.JoinedAt, w.OfferedAt,
                    w.OfferExpiresAt, w.RespondedAt, w.Answers, w.PledgeAccepted)).ToList(),
                payments.Select(p => new PaymentRecord(p.Id, p.Purpose, p.RegistrationId, p.EventId, p.PlanCode, p.AmountYen, p.Status, p.PaymentIntentId, p.CreatedAt, p.PaidAt,
                    refunds[p.Id].Select(r => new RefundRecord(r.Id, r.AmountYen, r.Reason, r.Status, r.FailureReason, r.CreatedAt, r.UpdatedAt)).ToList())).ToList(),
                await Memberships.MembershipDues.PaymentsOfAsync(db, me, ct),
                (await db.Receipts.AsNoTracking().Where(r => r.PayerId == me).OrderBy(r => r.Id).ToListAsync(ct)).Select(Receipts.Receipts.ReceiptView.Of).ToList(),
                mail,
                new MailPreferences(reminders ?? true),
                requests.Select(r => new OwnReferralRequest(Referrals.ReferralRequests.ReferralRequestView.Of(r), r.RequesterContact,
                    r.Introductions.OrderBy(i => i.SentAt).Select(i => new SentIntroduction(i.Id, i.Status, i.SentAt, i.RespondBy, i.AnsweredAt, i.DeclineReason)).ToList())).ToList(),
                received.Select(i => new ReceivedIntroduction(i.Id, i.RequestId, i.Status, i.SentAt, i.RespondBy, i.AnsweredAt, i.DeclineReason, i.InviteeContact)).ToList(),
                practice is null ? null : PracticeProfiles.View(practice, listedAs, now),
                feed,
                choices,
                audit.Select(e => new AuditLine(e.Id, e.OccurredAt, e.Action, e.TargetType,
                    e.SubjectId is null || e.SubjectId == me ? e.TargetId : null, e.Detail, actor(e.ActorId))).ToList());
        }
    }
}
