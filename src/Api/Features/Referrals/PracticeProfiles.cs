using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Members;
using Assemble.Domain.Common;
using Assemble.Domain.Members;
using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Referrals;

public static class PracticeProfiles
{
    public sealed record PracticeProfileLocationRequest(Prefecture? Prefecture, string? City, double? Latitude, double? Longitude);

    public sealed record PracticeProfileRequest(
        [Required] List<string>? Specialties, List<string>? Modalities, [Required] List<AgeGroup>? AgeGroups, [Required] List<string>? Languages, [Required] List<Delivery>? Delivery,
        List<PracticeProfileLocationRequest>? Locations, List<Prefecture>? OnlinePrefectures, List<PracticeSetting>? Settings,
        int? FeeMinYen, int? FeeMaxYen, bool? InsuranceCovered, Acceptance? Acceptance, int? TypicalWaitWeeks);

    /// <summary>
    /// The owner's view. <c>listed</c> is false while the member has no verified, unexpired credential: the profile
    /// then hides from the board by itself. Acceptance older than 30 days reads as unknown (null) to others.
    /// </summary>
    public sealed record PracticeProfileView(
        Guid MemberId, bool Listed, IReadOnlyList<Profession> Professions, IReadOnlyList<string> Specialties, IReadOnlyList<string> Modalities,
        IReadOnlyList<AgeGroup> AgeGroups, IReadOnlyList<string> Languages, IReadOnlyList<Delivery> Delivery, IReadOnlyList<PracticeLocation> Locations,
        IReadOnlyList<Prefecture> OnlinePrefectures, IReadOnlyList<PracticeSetting> Settings, int? FeeMinYen, int? FeeMaxYen, bool InsuranceCovered,
        Acceptance Acceptance, Acceptance? AcceptanceAsShown, DateTimeOffset AcceptanceConfirmedAt, int? TypicalWaitWeeks);

    public static void MapPracticeProfileEndpoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me/practice-profile").WithTags("Referrals").RequireAuthorization();
        me.MapGet("/", async Task<Results<Ok<PracticeProfileView>, ProblemHttpResult>> (ClaimsPrincipal user, AppDbContext db, Viewers viewers, TimeProvider time, CancellationToken ct) =>
            {
                var id = user.RequiredMemberId();
                var profile = await db.PracticeProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.MemberId == id, ct);
                if (profile is null) return ReferralErrors.NoPracticeProfile.ToProblem();
                var professions = (await viewers.VerifiedProfessionsAsync([id], ct)).GetValueOrDefault(id) ?? [];
                return TypedResults.Ok(View(profile, professions, time.GetUtcNow()));
            })
            .WithName("GetMyPracticeProfile").WithSummary("Get your practice profile").ProducesProblems(401, 404)
            .WithDescription("Your own practice profile as the board shows it, with listed (false while you have no verified, unexpired credential) and acceptanceAsShown (null to others once older than 30 days). 404 `practice.not_found` before the first PUT.");

        me.MapPut("/", async Task<Results<Ok<PracticeProfileView>, ProblemHttpResult>> (PracticeProfileRequest request, ClaimsPrincipal user, AppDbContext db, Viewers viewers, TimeProvider time, CancellationToken ct) =>
            {
                var id = user.RequiredMemberId();
                var professions = (await viewers.VerifiedProfessionsAsync([id], ct)).GetValueOrDefault(id) ?? [];
                if (professions.Count == 0) return ReferralErrors.NotVerified.ToProblem();
                if (request.Locations?.Any(l => l is null || l.Prefecture is null) == true) return Problems.InvalidField("locations", "Each location names its prefecture.", "practice.invalid");
                var terms = await db.VocabularyTerms.AsNoTracking().Where(t => t.Active).ToListAsync(ct);
                var specialties = terms.Where(t => t.Kind == VocabularyKind.Specialty).Select(t => t.Code).ToHashSet();
                var modalities = terms.Where(t => t.Kind == VocabularyKind.Modality).Select(t => t.Code).ToHashSet();
                var details = new PracticeDetails(
                    request.Specialties ?? [], request.Modalities ?? [], request.AgeGroups ?? [], request.Languages ?? ["ja"], request.Delivery ?? [],
                    (request.Locations ?? []).Select(l => new PracticeLocation(l.Prefecture!.Value, l.City?.Trim(), l.Latitude, l.Longitude)).ToList(),
                    request.OnlinePrefectures ?? [], request.Settings ?? [], request.FeeMinYen, request.FeeMaxYen, request.InsuranceCovered ?? false,
                    request.Acceptance ?? Acceptance.Accepting, request.TypicalWaitWeeks);
                var now = time.GetUtcNow();
                var profile = await db.PracticeProfiles.SingleOrDefaultAsync(p => p.MemberId == id, ct);
                // A retired term stays allowed on a profile that already has it (re-saving must not force it off).
                if (profile is not null)
                {
                    specialties.UnionWith(profile.Specialties);
                    modalities.UnionWith(profile.Modalities);
                }
                if (profile is null)
                {
                    var created = PracticeProfile.Create(id, details, specialties, modalities, now);
                    if (!created.IsSuccess) return created.Error!.ToProblem();
                    db.PracticeProfiles.Add(profile = created.Value!);
                }
                else
                {
                    var updated = profile.Update(details, specialties, modalities, now);
                    if (!updated.IsSuccess) return updated.Error!.ToProblem();
                }
                await db.SaveChangesAsync(ct);
                return TypedResults.Ok(View(profile, professions, now));
            })
            .WithName("SetMyPracticeProfile").WithSummary("Create or replace your practice profile").ProducesProblems(400, 401, 422)
            .WithDescription("Verified professionals only. Saving confirms the acceptance status as of now.");

        app.MapGet("/api/vocabularies", async (AppDbContext db, CancellationToken ct)
                => TypedResults.Ok(await db.VocabularyTerms.AsNoTracking().Where(t => t.Active).OrderBy(t => t.Kind).ThenBy(t => t.Code)
                    .Select(t => new VocabularyTermView(t.Kind, t.Code, t.LabelJa, t.LabelEn)).ToListAsync(ct)))
            .WithTags("Referrals").WithName("ListVocabularies").WithSummary("List the referral board's vocabularies")
            .WithDescription("Anyone: the active specialty and modality terms, with Japanese and English labels; their codes are what practice profiles, referral requests and the directory search take.");
    }

    internal static PracticeProfileView View(PracticeProfile p, IReadOnlyList<Profession> professions, DateTimeOffset now) => new(
        p.MemberId, professions.Count > 0, professions, p.Specialties, p.Modalities, p.AgeGroups, p.Languages, p.Delivery, p.Locations,
        p.OnlinePrefectures, p.Settings, p.FeeMinYen, p.FeeMaxYen, p.InsuranceCovered, p.Acceptance, p.AcceptanceAsOf(now), p.AcceptanceConfirmedAt, p.TypicalWaitWeeks);
}
