using Assemble.Api.Common.Json;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Assemble.Api.Auth;
using Assemble.Api.Common;
using Assemble.Api.Features.Email;
using Assemble.Api.Features.Registrations;
using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Identity;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Privacy;

/// <summary>
/// APPI art. 35 (cessation of use, erasure): the member closes their account, confirming with their password.
/// What is theirs to take back goes; what the law makes us keep (payments and refunds) stays under a pseudonym.
/// </summary>
public static class DeleteMyAccount
{
    public sealed record Request([Required][property: AllowLineBreaks] string? Password);

    public sealed record Response(
        DateTimeOffset DeletedAt, int RegistrationsCancelled, int RefundsRequested, int WaitlistPlacesLeft, int ReferralRequestsWithdrawn, int IntroductionsWithdrawn);

    public sealed class Handler(
        AppDbContext db, UserManager<AppUser> users, SignInManager<AppUser> signIn, RegistrationChanges registrations, SeatKeeper seats,
        IEmailSender email, RoleCache roleCache, TimeProvider time)
    {
        /// <summary>
        /// In order: each future registration is cancelled through the members' cancellation path (refund as its rules
        /// say, an open Checkout Session ended, the seat offered on), each waitlist place left — each in its event's own
        /// short transaction; then, in one transaction, open referral requests and introductions are withdrawn, the
        /// profile, contacts, practice profile and credentials erased, the account anonymised, the confirmation mail
        /// written to the old address and one audit line. A failure part-way leaves a live account: asking again
        /// finishes the job.
        /// </summary>
        public async Task<Result<Response>> HandleAsync(ClaimsPrincipal principal, Request request, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(request.Password)) return MemberErrors.PasswordRequired;
            var me = principal.RequiredMemberId();
            var user = await users.FindByIdAsync(me.ToString());
            if (user is null || user.DeletedAt is not null) return MemberErrors.MemberNotFound;
            // Counted like a sign-in: five wrong passwords lock the account for a while.
            var check = await signIn.CheckPasswordSignInAsync(user, request.Password, lockoutOnFailure: true);
            if (check.IsLockedOut) return MemberErrors.LockedOut;
            if (!check.Succeeded) return MemberErrors.InvalidPassword;

            var startedAt = time.GetUtcNow();
            var future = await db.Registrations
                .Where(RegistrationStatuses.ActiveRegistration)
                .Where(r => r.MemberId == me && db.Events.Any(e => e.Id == r.EventId && e.StartsAt > startedAt))
                .Select(r => r.Id).ToListAsync(cancellationToken);
            var cancelled = 0;
            foreach (var id in future)
            {
                var change = await registrations.ChangeAsync(principal, id, RegistrationChanges.Actor.Member, (r, e, now) => r.CancelForAccountDeletion(e, now), cancellationToken);
                if (change.IsSuccess) cancelled++;
            }
            var refunds = await db.Refunds.CountAsync(r => r.RegistrationId != null && future.Contains(r.RegistrationId.Value) && r.CreatedAt >= startedAt, cancellationToken);

            var waiting = await db.WaitlistEntries.Where(w => w.MemberId == me && (w.Status == WaitlistStatus.Waiting || w.Status == WaitlistStatus.Offered))
                .Select(w => w.EventId).ToListAsync(cancellationToken);
            var left = 0;
            foreach (var eventId in waiting)
                if ((await seats.LeaveWaitlistAsync(eventId, me, time.GetUtcNow(), cancellationToken)).IsSuccess) left++;

            db.ChangeTracker.Clear();
            var now = time.GetUtcNow();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var (requestsWithdrawn, introductionsWithdrawn) = await WithdrawReferralsAsync(me, now, cancellationToken);
            // An open Checkout for dues is expired at Stripe by the payment job (one without a session ends here): nobody
            // pays for an account that is gone. Under the member's row, the lock dues are paid under.
            await Memberships.DuesRecorder.LockMemberAsync(db, me, cancellationToken);
            foreach (var open in await db.Payments.Where(p => p.MemberId == me && p.Purpose == Domain.Payments.PaymentPurpose.Dues
                         && p.Status == Domain.Payments.PaymentStatus.CheckoutOpen).ToListAsync(cancellationToken))
            {
                if (open.CheckoutSessionId is null) open.MarkUnpaid(Domain.Payments.PaymentStatus.Expired);
                else open.RequestSessionEnd(now);
            }
            await db.SaveChangesAsync(cancellationToken);
            var language = await db.MemberProfiles.Where(p => p.Id == me).Select(p => (PreferredLanguage?)p.PreferredLanguage).SingleOrDefaultAsync(cancellationToken);
            await EraseAsync(me, startedAt, cancellationToken);

            user = (await users.FindByIdAsync(me.ToString()))!;
            var address = user.Email!;
            await AnonymiseAsync(user, now);
            db.AuditEntries.Add(new AuditEntry(me, "member.account_deleted", "member", me, now,
                $"registrations={cancelled};refunds={refunds};waitlist={left};requests={requestsWithdrawn};introductions={introductionsWithdrawn}", subjectId: me));
            // To the address the member had, written before the commit: the outbox row keeps it until the sent-mail clean-up (30 days).
            await email.SendAsync(Confirmation(address, language ?? PreferredLanguage.Ja, now), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            roleCache.Forget();
            return new Response(now, cancelled, refunds, left, requestsWithdrawn, introductionsWithdrawn);
        }

        /// <summary>Open requests of theirs and invitations still waiting for their answer are withdrawn; every contact channel they gave goes.</summary>
        private async Task<(int Requests, int Introductions)> WithdrawReferralsAsync(Guid me, DateTimeOffset now, CancellationToken cancellationToken)
        {
            // Locked as the referral endpoints lock a request, so no answer or withdrawal races this one.
            var ids = await db.Database.SqlQuery<Guid>($"""
                SELECT id AS "Value" FROM referral_requests
                WHERE requester_id = {me} OR id IN (SELECT request_id FROM introductions WHERE invitee_id = {me})
                ORDER BY id FOR UPDATE
                """).ToListAsync(cancellationToken);
            var requests = await db.ReferralRequests.Include(r => r.Introductions).Where(r => ids.Contains(r.Id)).ToListAsync(cancellationToken);
            int withdrawnRequests = 0, withdrawnIntroductions = 0;
            foreach (var request in requests)
            {
                if (request.RequesterId == me && request.Status is ReferralStatus.Draft or ReferralStatus.Sent && request.Withdraw(now).IsSuccess) withdrawnRequests++;
                foreach (var invitation in request.Introductions.Where(i => i.InviteeId == me && i.Status == IntroductionStatus.Sent).ToList())
                    if (request.WithdrawIntroduction(invitation.Id, now).IsSuccess) withdrawnIntroductions++;
                request.ForgetMember(me);
            }
            await db.SaveChangesAsync(cancellationToken);
            return (withdrawnRequests, withdrawnIntroductions);
        }

        /// <summary>
        /// Rows that are only the member's go. Answers go from the registrations and waitlist places this deletion
        /// ended; those of events already held stay for their organizers until the answer retention deletes them.
        /// </summary>
        private async Task EraseAsync(Guid me, DateTimeOffset startedAt, CancellationToken cancellationToken)
        {
            await db.MemberProfiles.Where(p => p.Id == me).ExecuteDeleteAsync(cancellationToken);
            await db.PracticeProfiles.Where(p => p.MemberId == me).ExecuteDeleteAsync(cancellationToken);
            await db.Credentials.Where(c => c.MemberId == me).ExecuteDeleteAsync(cancellationToken);
            await db.CalendarFeeds.Where(f => f.MemberId == me).ExecuteDeleteAsync(cancellationToken);
            await db.MailPreferences.Where(p => p.MemberId == me).ExecuteDeleteAsync(cancellationToken);
            await db.IdempotencyRecords.Where(r => r.MemberId == me).ExecuteDeleteAsync(cancellationToken);
            await db.MatchmakingSelections.Where(s => s.ChooserId == me).ExecuteDeleteAsync(cancellationToken);
            await db.UserLogins.Where(l => l.UserId == me).ExecuteDeleteAsync(cancellationToken);
            await db.UserTokens.Where(t => t.UserId == me).ExecuteDeleteAsync(cancellationToken);
            await db.UserClaims.Where(c => c.UserId == me).ExecuteDeleteAsync(cancellationToken);
            await db.UserRoles.Where(r => r.UserId == me).ExecuteDeleteAsync(cancellationToken);

            var ended = await db.Registrations.Where(r => r.MemberId == me && r.EndReason == Registration.AccountDeletedReason).ToListAsync(cancellationToken);
            foreach (var r in ended) r.ForgetAnswers();
            var places = await db.WaitlistEntries.Where(w => w.MemberId == me && w.Status == WaitlistStatus.Left && w.RespondedAt >= startedAt).ToListAsync(cancellationToken);
            foreach (var w in places) w.ForgetAnswers();
            await db.SaveChangesAsync(cancellationToken);
        }

        /// <summary>
        /// The account row stays (payments and refunds refer to it) but can never sign in again: a unique pseudonym at
        /// the reserved .invalid domain replaces the e-mail and user name, the password hash goes, the lockout never
        /// ends, and a new security stamp ends every refresh token (and each request, once the stamp is checked on it).
        /// </summary>
        private async Task AnonymiseAsync(AppUser user, DateTimeOffset now)
        {
            var pseudonym = $"deleted-{Guid.NewGuid():N}@invalid";
            user.UserName = pseudonym;
            user.Email = pseudonym;
            user.EmailConfirmed = false;
            user.PasswordHash = null;
            user.PhoneNumber = null;
            user.PhoneNumberConfirmed = false;
            user.TwoFactorEnabled = false;
            user.LockoutEnabled = true;
            user.LockoutEnd = DateTimeOffset.MaxValue;
            user.AccessFailedCount = 0;
            user.DeletedAt = now;
            var updated = await users.UpdateSecurityStampAsync(user);
            if (!updated.Succeeded)
                throw new InvalidOperationException("The account could not be anonymised: " + string.Join(", ", updated.Errors.Select(e => e.Code)));
        }

        private static EmailMessage Confirmation(string to, PreferredLanguage language, DateTimeOffset now)
        {
            var when = EventMail.When(now, "Asia/Tokyo", language);
            return language == PreferredLanguage.En
                ? new EmailMessage(to, "[Assemble] Your account has been deleted",
                    $"Your Assemble account was deleted on {when}.\n\n"
                    + "Your profile, credentials, practice profile and contact details have been erased. Registrations for events still to come were cancelled; "
                    + "where the cancellation rules give money back, the refund goes to the card or method you paid with. Open referral requests and "
                    + "introductions were withdrawn.\n\n"
                    + "Records of payments and refunds are kept as accounting law requires, under a pseudonym, without your name or e-mail address.\n\n"
                    + "You can no longer sign in. If you did not ask for this, contact the Assemble office at once.")
                : new EmailMessage(to, "【Assemble】アカウントを削除しました",
                    $"Assemble のアカウントを削除しました（{when}）。\n\n"
                    + "プロフィール、資格情報、実践プロフィール、連絡先は消去しました。これから開催されるイベントのお申込みはキャンセルし、"
                    + "キャンセル規定により返金がある場合は、お支払いに使われたカード等へ返金します。受付中の紹介依頼と紹介のご相談は取り下げました。\n\n"
                    + "お支払いと返金の記録は、法令（帳簿書類の保存義務）に従い、お名前やメールアドレスを含まない形で保存します。\n\n"
                    + "今後このアカウントではログインできません。お心当たりのない場合は、至急 Assemble 事務局までご連絡ください。");
        }
    }
}
