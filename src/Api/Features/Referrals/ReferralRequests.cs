using System.ComponentModel.DataAnnotations;
using Assemble.Api.Common.Json;
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
using Assemble.Api.Common.OpenApi;

namespace Assemble.Api.Features.Referrals;

public static class ReferralRequests
{
    public const string CrisisNotice =
        "この掲示板は緊急の対応には使えません。自殺の危険など緊急の場合は 119 番、または地域の精神科救急医療体制（精神科救急情報センター）にご連絡ください。 / " +
        "This board is not for crises. In an emergency call 119 or your prefecture's psychiatric emergency information centre.";

    public static readonly Error NotFound = new("referral.not_found", "No such referral request.", ErrorKind.NotFound);

    /// <summary>The need. There is deliberately no field for anything about the client as a person.</summary>
    public sealed record NewReferralRequest(
        [Required] List<Profession>? WantedProfessions, List<string>? Specialties, List<string>? Modalities, AgeGroup? AgeGroup, List<string>? Languages,
        List<Delivery>? Delivery, List<Prefecture>? Area, int? MaxFeeYen, bool? InsuranceNeeded, Urgency? Urgency, [property: AllowLineBreaks] string? Note);

    /// <summary>How the requester's search ended, given when closing the request.</summary>
    public sealed record CloseReferralRequestRequest(ReferralOutcome? Outcome);

    public sealed record ReferralRequestView(
        Guid Id, ReferralStatus Status, IReadOnlyList<Profession> WantedProfessions, IReadOnlyList<string> Specialties, IReadOnlyList<string> Modalities,
        AgeGroup? AgeGroup, IReadOnlyList<string> Languages, IReadOnlyList<Delivery> Delivery, IReadOnlyList<Prefecture> Area, int? MaxFeeYen,
        bool InsuranceNeeded, Urgency Urgency, string? Note, DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt, ReferralOutcome? Outcome, string CrisisNotice)
    {
        /// <summary>An invited professional sees the need, not how the requester's search ended.</summary>
        public static ReferralRequestView ForInvitee(ReferralRequest r) => Of(r) with { Outcome = null };

        public static ReferralRequestView Of(ReferralRequest r) => new(r.Id, r.Status, r.WantedProfessions, r.Specialties, r.Modalities, r.AgeGroup, r.Languages,
            r.Delivery, r.Area, r.MaxFeeYen, r.InsuranceNeeded, r.Urgency, r.Note, r.CreatedAt, r.ClosedAt, r.Outcome, ReferralRequests.CrisisNotice);
    }

    public static void MapReferralRequestEndpoints(this IEndpointRouteBuilder app)
    {
        // Someone who tries to mark a referral as a crisis is told where to turn, not only that the value is wrong.
        var group = app.MapGroup("/api/referral-requests").WithTags("Referrals").RequireAuthorization()
            .WithMetadata(new FieldNotice("urgency", "crisisNotice", CrisisNotice));
        group.MapPost("/", async Task<Results<Created<ReferralRequestView>, ProblemHttpResult>> (NewReferralRequest request, ClaimsPrincipal user, AppDbContext db, Viewers viewers, TimeProvider time, CancellationToken ct) =>
            {
                var id = user.RequiredMemberId();
                if (!await viewers.IsVerifiedProfessionalAsync(id, ct)) return ReferralErrors.NotVerified.ToProblem();
                var terms = await db.VocabularyTerms.AsNoTracking().Where(t => t.Active).ToListAsync(ct);
                var now = time.GetUtcNow();
                var created = ReferralRequest.Create(id, request.WantedProfessions ?? [], request.Specialties ?? [], request.Modalities ?? [], request.AgeGroup,
                    request.Languages ?? [], request.Delivery ?? [], request.Area ?? [], request.MaxFeeYen, request.InsuranceNeeded ?? false,
                    request.Urgency ?? Urgency.Routine, request.Note,
                    terms.Where(t => t.Kind == VocabularyKind.Specialty).Select(t => t.Code).ToHashSet(),
                    terms.Where(t => t.Kind == VocabularyKind.Modality).Select(t => t.Code).ToHashSet(), now);
                if (!created.IsSuccess) return created.Error!.ToProblem();
                db.ReferralRequests.Add(created.Value!);
                db.AuditEntries.Add(new AuditEntry(id, "referral.created", "referral_request", created.Value!.Id, now, subjectId: id));
                await db.SaveChangesAsync(ct);
                return TypedResults.Created($"/api/referral-requests/{created.Value.Id}", ReferralRequestView.Of(created.Value));
            })
            .WithName("CreateReferralRequest").WithSummary("Post a referral request").ProducesProblems(400, 401, 422)
            .WithBodyExample("""
                {"wantedProfessions": ["clinicalPsychologist"], "specialties": ["trauma-ptsd"], "ageGroup": "adolescent",
                 "area": ["osaka"], "urgency": "routine", "note": "思春期のトラウマに対するTF-CBTをお願いできる方を探しています。"}
                """)
            .WithDescription("A need, never a person: no client data; the note is screened for personal data (422 referral.personal_data_suspected). Not for crises.");

        group.MapGet("/{id:guid}", async Task<Results<Ok<ReferralRequestView>, ProblemHttpResult>> (Guid id, ClaimsPrincipal user, AppDbContext db, TimeProvider time, CancellationToken ct) =>
            {
                var me = user.RequiredMemberId();
                // The requester, an admin, or a professional invited to it (who sees the need, which is all this view
                // holds) until the invitation or the request is withdrawn.
                var request = await db.ReferralRequests.AsNoTracking().Where(r => r.Id == id).Where(ReferralRequest.ReadableBy(me)).SingleOrDefaultAsync(ct);
                if (request is null && user.IsAdmin()) request = await db.ReferralRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
                if (request is null) return NotFound.ToProblem();
                // Every read of a request is in the access log.
                db.AuditEntries.Add(new AuditEntry(me, "referral.read", "referral_request", id, time.GetUtcNow(), subjectId: request.RequesterId));
                await db.SaveChangesAsync(ct);
                return TypedResults.Ok(request.RequesterId == me || user.IsAdmin() ? ReferralRequestView.Of(request) : ReferralRequestView.ForInvitee(request));
            })
            .WithName("GetReferralRequest").WithSummary("Get a referral request").ProducesProblems(401, 404)
            .WithDescription("The requester, admins, and professionals invited to it (who see the need but not how the search ended) until the invitation or the request is withdrawn. Every read goes to the access log. 404 `referral.not_found` for anyone else.");

        group.MapGet("/{id:guid}/matches", async Task<Results<Ok<Page<SearchDirectory.Match>>, ProblemHttpResult>> (Guid id, HttpRequest http, ClaimsPrincipal user, AppDbContext db, SearchDirectory.Handler directory, TimeProvider time, CancellationToken ct) =>
            {
                var r = await db.ReferralRequests.AsNoTracking().Include(x => x.Introductions).SingleOrDefaultAsync(x => x.Id == id, ct);
                if (r is null || (r.RequesterId != user.RequiredMemberId() && !user.IsAdmin())) return NotFound.ToProblem();
                var (offset, take, problem) = SearchDirectory.ParsePage(http.Query);
                if (problem is not null) return problem;
                db.AuditEntries.Add(new AuditEntry(user.RequiredMemberId(), "referral.read", "referral_request", id, time.GetUtcNow(), "matches", subjectId: r.RequesterId));
                await db.SaveChangesAsync(ct);
                var result = await directory.HandleAsync(user, new SearchDirectory.Query(r.WantedProfessions, r.Specialties, r.Modalities,
                    r.AgeGroup is { } a ? [a] : [], r.Languages, r.Delivery, r.Area, null, r.MaxFeeYen, r.InsuranceNeeded ? true : null, null, offset, take,
                    // Not the requester, nor anyone already invited.
                    Exclude: r.Introductions.Select(i => i.InviteeId).Append(r.RequesterId).ToHashSet()), ct);
                return result.ToOk();
            })
            .WithName("ListReferralMatches").WithSummary("List practitioners who match a referral request").ProducesProblems(400, 401, 403, 404)
            .WithDescription("The directory's ranking for this need (cursor, limit), without the requester and those already invited.");
    }
}
