using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Members;
using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Domain.Members;
using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Referrals;

/// <summary>
/// Double opt-in introductions: the requester invites up to five listed professionals at once; each sees the need
/// (never the requester's identity or contact) and accepts or declines within 72 hours. Only on accept does each
/// side see the other's contact channel, and every such reveal goes to the access log.
/// </summary>
public static class Introductions
{
    public sealed record IntroductionContactRequest([Required] ContactKind? Kind, [Required] string? Value);

    public sealed record SendIntroductionsRequest([Required] List<Guid>? ProfileIds, IntroductionContactRequest? Contact);

    public sealed record AcceptIntroductionRequest(IntroductionContactRequest? Contact);

    public sealed record DeclineIntroductionRequest(DeclineReason? Reason);

    /// <summary>The requester's view of one introduction: whom they invited, where it stands, and the contact once accepted.</summary>
    public sealed record SentIntroductionView(
        Guid Id, Guid ProfileId, string? DisplayName, IReadOnlyList<Profession> Professions, IntroductionStatus Status, DateTimeOffset SentAt,
        DateTimeOffset RespondBy, DateTimeOffset? AnsweredAt, DeclineReason? DeclineReason, ContactChannel? Contact);

    public sealed record IntroductionRequester(string? DisplayName, IReadOnlyList<Profession> Professions, ContactChannel? Contact);

    /// <summary>The invited professional's view: the need; who asked and how to reach them only after accepting.</summary>
    public sealed record ReceivedIntroductionView(
        Guid Id, Guid RequestId, IntroductionStatus Status, DateTimeOffset SentAt, DateTimeOffset RespondBy, DateTimeOffset? AnsweredAt,
        DeclineReason? DeclineReason, ReferralRequests.ReferralRequestView Need, IntroductionRequester? Requester);

    public static void MapIntroductionEndpoints(this IEndpointRouteBuilder app)
    {
        var requests = app.MapGroup("/api/referral-requests/{id:guid}").WithTags("Referrals").RequireAuthorization();

        requests.MapPost("/introductions", async Task<Results<Created<IReadOnlyList<SentIntroductionView>>, ProblemHttpResult>> (
                Guid id, SendIntroductionsRequest body, ClaimsPrincipal user, AppDbContext db, Viewers viewers, TimeProvider time, CancellationToken ct) =>
            {
                var me = user.RequiredMemberId();
                // Who may act comes before what they sent: a stranger learns nothing from the body's errors.
                if (!await IsRequesterAsync(db, id, me, ct)) return ReferralRequests.NotFound.ToProblem();
                var contact = await ContactAsync(db, me, body.Contact, ct);
                if (!contact.IsSuccess) return contact.Error!.ToProblem();
                var profileIds = body.ProfileIds ?? [];
                var listed = await viewers.VerifiedProfessionsAsync(profileIds, ct);
                var withProfile = await db.PracticeProfiles.Where(p => profileIds.Contains(p.MemberId)).Select(p => p.MemberId).ToListAsync(ct);
                if (profileIds.Where(p => p != me && (!listed.ContainsKey(p) || !withProfile.Contains(p))).Select(p => (Guid?)p).FirstOrDefault() is { } missing)
                    return (ReferralErrors.NotListed with { Fields = new Dictionary<string, string[]> { ["profileIds"] = [missing.ToString()] } }).ToProblem();

                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                if (await LockAsync(db, id, me, requesterOnly: true, ct) is not { } request) return ReferralRequests.NotFound.ToProblem();
                var now = time.GetUtcNow();
                var sent = request.Introduce(profileIds, contact.Value!, now);
                if (!sent.IsSuccess) return sent.Error!.ToProblem();
                db.AuditEntries.Add(new AuditEntry(me, "referral.introductions_sent", "referral_request", id, now, $"count={sent.Value!.Count}", subjectId: me));
                await ReferralMail.InvitedAsync(db, sent.Value, now, ct);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return TypedResults.Created($"/api/referral-requests/{id}/introductions", await SentViewsAsync(db, viewers, me, sent.Value, now, ct));
            })
            .WithName("SendIntroductions").WithSummary("Invite practitioners to a referral request").ProducesProblems(400, 401, 404, 409, 422)
            .WithDescription("Requester only. At most 5 introductions wait for an answer at once; each has 72 hours. contact defaults to your account e-mail.");

        requests.MapGet("/introductions", async Task<Results<Ok<IReadOnlyList<SentIntroductionView>>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, AppDbContext db, Viewers viewers, TimeProvider time, CancellationToken ct) =>
            {
                var me = user.RequiredMemberId();
                var request = await db.ReferralRequests.AsNoTracking().Include(r => r.Introductions).SingleOrDefaultAsync(r => r.Id == id, ct);
                if (request is null || (request.RequesterId != me && !user.IsAdmin())) return ReferralRequests.NotFound.ToProblem();
                var now = time.GetUtcNow();
                request.ExpireOverdue(now);
                db.AuditEntries.Add(new AuditEntry(me, "referral.read", "referral_request", id, now, "introductions", subjectId: request.RequesterId));
                var views = await SentViewsAsync(db, viewers, me, request.Introductions.OrderBy(i => i.SentAt).ThenBy(i => i.Id).ToList(), now, ct);
                await db.SaveChangesAsync(ct);
                return TypedResults.Ok(views);
            })
            .WithName("ListSentIntroductions").WithSummary("List a referral request's introductions").ProducesProblems(401, 404)
            .WithDescription("The requester (and admins): every invitation sent for the request, oldest first, with its status and the invitee's contact once accepted. Overdue invitations read as expired. Each read goes to the access log. 404 `referral.not_found` for anyone else.");

        requests.MapPost("/introductions/{introductionId:guid}/withdraw", async Task<Results<Ok<SentIntroductionView>, ProblemHttpResult>> (
                Guid id, Guid introductionId, ClaimsPrincipal user, AppDbContext db, Viewers viewers, TimeProvider time, CancellationToken ct) =>
            {
                var me = user.RequiredMemberId();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                if (await LockAsync(db, id, me, requesterOnly: true, ct) is not { } request) return ReferralRequests.NotFound.ToProblem();
                var now = time.GetUtcNow();
                var withdrawn = request.WithdrawIntroduction(introductionId, now);
                if (!withdrawn.IsSuccess) return withdrawn.Error!.ToProblem();
                db.AuditEntries.Add(new AuditEntry(me, "referral.introduction_withdrawn", "introduction", introductionId, now, subjectId: me));
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return TypedResults.Ok((await SentViewsAsync(db, viewers, me, [request.Introductions.Single(i => i.Id == introductionId)], now, ct))[0]);
            })
            .WithName("WithdrawIntroduction").WithSummary("Withdraw an introduction")
            .WithDescription("The requester: an invitation not yet answered is withdrawn. 409 `introduction.invalid_transition`.").ProducesProblems(401, 404, 409);

        requests.MapPost("/withdraw", async Task<Results<Ok<ReferralRequests.ReferralRequestView>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, AppDbContext db, TimeProvider time, CancellationToken ct) =>
            {
                var me = user.RequiredMemberId();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                if (await LockAsync(db, id, me, requesterOnly: true, ct) is not { } request) return ReferralRequests.NotFound.ToProblem();
                var now = time.GetUtcNow();
                var withdrawn = request.Withdraw(now);
                if (!withdrawn.IsSuccess) return withdrawn.Error!.ToProblem();
                db.AuditEntries.Add(new AuditEntry(me, "referral.withdrawn", "referral_request", id, now, subjectId: me));
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return TypedResults.Ok(ReferralRequests.ReferralRequestView.Of(request));
            })
            .WithName("WithdrawReferralRequest").WithSummary("Withdraw a referral request")
            .WithDescription("The requester: open invitations are withdrawn too. 409 `referral.invalid_transition`.").ProducesProblems(401, 404, 409);

        requests.MapPost("/close", async Task<Results<Ok<ReferralRequests.ReferralRequestView>, ProblemHttpResult>> (
                Guid id, ReferralRequests.CloseReferralRequestRequest body, ClaimsPrincipal user, AppDbContext db, TimeProvider time, CancellationToken ct) =>
            {
                var me = user.RequiredMemberId();
                if (!await IsRequesterAsync(db, id, me, ct)) return ReferralRequests.NotFound.ToProblem();
                if (body.Outcome is not { } outcome) return Problems.InvalidField("outcome", "Give the outcome: firstSessionBooked, didNotProceed or unknown.");
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                if (await LockAsync(db, id, me, requesterOnly: true, ct) is not { } request) return ReferralRequests.NotFound.ToProblem();
                var now = time.GetUtcNow();
                var closed = request.Close(outcome, now);
                if (!closed.IsSuccess) return closed.Error!.ToProblem();
                db.AuditEntries.Add(new AuditEntry(me, "referral.closed", "referral_request", id, now, outcome.ToString(), subjectId: me));
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return TypedResults.Ok(ReferralRequests.ReferralRequestView.Of(request));
            })
            .WithName("CloseReferralRequest").WithSummary("Close a referral request with its outcome").ProducesProblems(400, 401, 404, 409)
            .WithDescription("Once one introduction is accepted: outcome firstSessionBooked | didNotProceed | unknown. Free text is deleted 90 days later.");

        var mine = app.MapGroup("/api/me/introductions").WithTags("Referrals").RequireAuthorization();

        mine.MapGet("/", async Task<Results<Ok<IReadOnlyList<ReceivedIntroductionView>>, ProblemHttpResult>> (
                string? status, ClaimsPrincipal user, AppDbContext db, Viewers viewers, TimeProvider time, CancellationToken ct) =>
            {
                IntroductionStatus? wanted = null;
                if (status is not null)
                {
                    if (!QueryValues.TryEnum<IntroductionStatus>(status, "status", out var parsed, out var problem)) return problem!;
                    wanted = parsed;
                }
                var me = user.RequiredMemberId();
                var requests = await db.ReferralRequests.AsNoTracking().Include(r => r.Introductions.Where(i => i.InviteeId == me))
                    .Where(r => r.Introductions.Any(i => i.InviteeId == me))
                    .OrderByDescending(r => r.Introductions.Where(i => i.InviteeId == me).Max(i => i.SentAt)).Take(200).ToListAsync(ct);
                var now = time.GetUtcNow();
                var views = await ReceivedViewsAsync(db, viewers, me, requests, now, ct);
                await db.SaveChangesAsync(ct);
                return TypedResults.Ok((IReadOnlyList<ReceivedIntroductionView>)views.Where(v => wanted is null || v.Status == wanted).OrderByDescending(v => v.SentAt).ToList());
            })
            .WithName("ListMyIntroductions").WithSummary("List the introductions you received").ProducesProblems(401)
            .WithDescription("Introductions you were invited to (newest first, at most 200): the need, and who asked only after you accept.");

        mine.MapGet("/{introductionId:guid}", async Task<Results<Ok<ReceivedIntroductionView>, ProblemHttpResult>> (
                Guid introductionId, ClaimsPrincipal user, AppDbContext db, Viewers viewers, TimeProvider time, CancellationToken ct) =>
            {
                var me = user.RequiredMemberId();
                var request = await db.ReferralRequests.AsNoTracking().Include(r => r.Introductions.Where(i => i.InviteeId == me))
                    .SingleOrDefaultAsync(r => r.Introductions.Any(i => i.Id == introductionId && i.InviteeId == me), ct);
                if (request is null) return ReferralErrors.IntroductionNotFound.ToProblem();
                var views = await ReceivedViewsAsync(db, viewers, me, [request], time.GetUtcNow(), ct);
                await db.SaveChangesAsync(ct);
                return TypedResults.Ok(views[0]);
            })
            .WithName("GetMyIntroduction").WithSummary("Get an introduction you received").ProducesProblems(401, 404)
            .WithDescription("The invited professional: the need, and who asked with their contact only after you accept. 404 `introduction.not_found` for anyone else.");

        mine.MapPost("/{introductionId:guid}/accept", async Task<Results<Ok<ReceivedIntroductionView>, ProblemHttpResult>> (
                Guid introductionId, AcceptIntroductionRequest body, ClaimsPrincipal user, AppDbContext db, Viewers viewers, TimeProvider time, CancellationToken ct) =>
            {
                var me = user.RequiredMemberId();
                if (await InvitedToAsync(db, introductionId, me, ct) is not { } requestId) return ReferralErrors.IntroductionNotFound.ToProblem();
                var contact = await ContactAsync(db, me, body.Contact, ct);
                if (!contact.IsSuccess) return contact.Error!.ToProblem();
                return await AnswerAsync(db, viewers, me, introductionId, requestId, time.GetUtcNow(),
                    (r, now) => r.Accept(introductionId, me, contact.Value!, now), "referral.introduction_accepted", ct);
            })
            .WithName("AcceptIntroduction").WithSummary("Accept an introduction").ProducesProblems(400, 401, 404, 409)
            .WithDescription("contact defaults to your account e-mail. After accepting, each side sees the other's contact (logged).");

        mine.MapPost("/{introductionId:guid}/decline", async Task<Results<Ok<ReceivedIntroductionView>, ProblemHttpResult>> (
                Guid introductionId, DeclineIntroductionRequest body, ClaimsPrincipal user, AppDbContext db, Viewers viewers, TimeProvider time, CancellationToken ct) =>
            {
                var me = user.RequiredMemberId();
                if (await InvitedToAsync(db, introductionId, me, ct) is not { } requestId) return ReferralErrors.IntroductionNotFound.ToProblem();
                if (body.Reason is not { } reason) return Problems.InvalidField("reason", "Give a reason: noCapacity, notMySpecialty, area, fee or other.");
                return await AnswerAsync(db, viewers, me, introductionId, requestId, time.GetUtcNow(),
                    (r, now) => r.Decline(introductionId, me, reason, now), "referral.introduction_declined", ct);
            })
            .WithName("DeclineIntroduction").WithSummary("Decline an introduction")
            .WithDescription("The invited professional, with a reason from the list; the requester is told, and who asked stays hidden. 409 `introduction.invalid_transition`.").ProducesProblems(400, 401, 404, 409);
    }

    private static async Task<Results<Ok<ReceivedIntroductionView>, ProblemHttpResult>> AnswerAsync(AppDbContext db, Viewers viewers, Guid me, Guid introductionId, Guid requestId,
        DateTimeOffset now, Func<ReferralRequest, DateTimeOffset, Result> answer, string action, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var request = (await LockAsync(db, requestId, me, requesterOnly: false, ct))!;
        var answered = answer(request, now);
        if (!answered.IsSuccess)
        {
            // A refused late answer still records that the introduction expired.
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return answered.Error!.ToProblem();
        }
        db.AuditEntries.Add(new AuditEntry(me, action, "introduction", introductionId, now, subjectId: me));
        await ReferralMail.AnsweredAsync(db, request, request.Introductions.Single(i => i.Id == introductionId), now, ct);
        // The answer, its mail and the reads it shows (the requester's contact, on accept) commit together.
        var views = await ReceivedViewsAsync(db, viewers, me, [request], now, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(views.Single(v => v.Id == introductionId));
    }

    /// <summary>
    /// Locks the request row for the change (so five-open and answer-versus-withdraw races serialise) and loads it
    /// with its introductions. Null when the caller may not act on it: only the requester changes a request (admins
    /// read it, never act in the requester's name); the invited professional only answers their own introduction.
    /// </summary>
    private static async Task<ReferralRequest?> LockAsync(AppDbContext db, Guid id, Guid me, bool requesterOnly, CancellationToken ct)
    {
        var locked = await db.Database.SqlQuery<Guid>($"SELECT id AS \"Value\" FROM referral_requests WHERE id = {id} FOR UPDATE").ToListAsync(ct);
        if (locked.Count == 0) return null;
        var request = await db.ReferralRequests.Include(r => r.Introductions).SingleAsync(r => r.Id == id, ct);
        if (requesterOnly && request.RequesterId != me) return null;
        return request;
    }

    /// <summary>The request an introduction belongs to, when the caller is the one invited; otherwise null.</summary>
    private static Task<Guid?> InvitedToAsync(AppDbContext db, Guid introductionId, Guid me, CancellationToken ct)
        => db.Introductions.Where(i => i.Id == introductionId && i.InviteeId == me).Select(i => (Guid?)i.RequestId).SingleOrDefaultAsync(ct);

    private static Task<bool> IsRequesterAsync(AppDbContext db, Guid id, Guid me, CancellationToken ct)
        => db.ReferralRequests.AnyAsync(r => r.Id == id && r.RequesterId == me, ct);

    /// <summary>The contact channel given, or the caller's account e-mail.</summary>
    private static async Task<Result<ContactChannel>> ContactAsync(AppDbContext db, Guid me, IntroductionContactRequest? given, CancellationToken ct)
    {
        if (given is not null)
        {
            if (given.Kind is not { } kind) return Error.Validation("contact.invalid", new Dictionary<string, string[]> { ["contact.kind"] = ["Give email, phone or website."] });
            return ContactChannel.Create(kind, given.Value);
        }
        var email = await db.Users.Where(u => u.Id == me).Select(u => u.Email).SingleAsync(ct);
        return new ContactChannel(ContactKind.Email, email!);
    }

    private static async Task<IReadOnlyList<SentIntroductionView>> SentViewsAsync(AppDbContext db, Viewers viewers, Guid me, IReadOnlyList<Introduction> introductions, DateTimeOffset now, CancellationToken ct)
    {
        var ids = introductions.Select(i => i.InviteeId).ToList();
        var professions = await viewers.VerifiedProfessionsAsync(ids, ct);
        var names = await db.MemberProfiles.AsNoTracking().Where(m => ids.Contains(m.Id) && !m.IsHidden).ToDictionaryAsync(m => m.Id, m => m.DisplayName, ct);
        return introductions.Select(i =>
        {
            // Contact only after the invited professional accepted; each reveal is logged.
            if (i.ContactsRevealed && i.InviteeContact is not null)
                db.AuditEntries.Add(new AuditEntry(me, "referral.contact_revealed", "introduction", i.Id, now, "invitee_contact", subjectId: i.InviteeId));
            return new SentIntroductionView(i.Id, i.InviteeId, names.GetValueOrDefault(i.InviteeId), professions.GetValueOrDefault(i.InviteeId) ?? [], i.Status, i.SentAt,
                i.RespondBy, i.AnsweredAt, i.DeclineReason, i.ContactsRevealed ? i.InviteeContact : null);
        }).ToList();
    }

    private static async Task<IReadOnlyList<ReceivedIntroductionView>> ReceivedViewsAsync(AppDbContext db, Viewers viewers, Guid me, IReadOnlyList<ReferralRequest> requests, DateTimeOffset now, CancellationToken ct)
    {
        var revealedTo = requests.Where(r => r.Introductions.Any(i => i.InviteeId == me && i.ContactsRevealed)).Select(r => r.RequesterId).Distinct().ToList();
        var professions = await viewers.VerifiedProfessionsAsync(revealedTo, ct);
        var names = await db.MemberProfiles.AsNoTracking().Where(m => revealedTo.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.DisplayName, ct);
        var views = new List<ReceivedIntroductionView>();
        foreach (var r in requests)
        {
            r.ExpireOverdue(now);
            var i = r.Introductions.Single(x => x.InviteeId == me);
            db.AuditEntries.Add(new AuditEntry(me, "referral.read", "referral_request", r.Id, now, "invitee", subjectId: r.RequesterId));
            IntroductionRequester? requester = null;
            if (i.ContactsRevealed)
            {
                if (r.RequesterContact is not null) db.AuditEntries.Add(new AuditEntry(me, "referral.contact_revealed", "introduction", i.Id, now, "requester_contact", subjectId: r.RequesterId));
                requester = new IntroductionRequester(names.GetValueOrDefault(r.RequesterId), professions.GetValueOrDefault(r.RequesterId) ?? [], r.RequesterContact);
            }
            views.Add(new ReceivedIntroductionView(i.Id, r.Id, i.Status, i.SentAt, i.RespondBy, i.AnsweredAt, i.DeclineReason, ReferralRequests.ReferralRequestView.ForInvitee(r), requester));
        }
        return views;
    }
}
