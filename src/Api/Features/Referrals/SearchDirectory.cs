using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Assemble.Api.Common;
using Assemble.Api.Features.Members;
using Assemble.Domain.Common;
using Assemble.Domain.Credentials;
using Assemble.Domain.Members;
using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Referrals;

/// <summary>
/// The referral directory, for verified professionals: facets combine with AND, values inside a facet with OR;
/// results are ranked by fit and each carries why (matched specialties and modalities, distance, acceptance and
/// how fresh it is). Among equal fits the order rotates daily, so the same person is not always first.
/// </summary>
public static class SearchDirectory
{
    public static readonly Error VerifiedOnly = new("directory.verified_only", "The directory is for verified professionals.", ErrorKind.Forbidden);

    public sealed record Query(
        IReadOnlyList<Profession> Professions, IReadOnlyList<string> Specialties, IReadOnlyList<string> Modalities, IReadOnlyList<AgeGroup> AgeGroups,
        IReadOnlyList<string> Languages, IReadOnlyList<Delivery> Delivery, IReadOnlyList<Prefecture> Prefectures, (double Lat, double Lon)? Near,
        int? MaxFee, bool? Insurance, bool? Accepting, int Offset, int Take);

    public sealed record Explanation(IReadOnlyList<string> MatchedSpecialties, IReadOnlyList<string> MatchedModalities, double? DistanceKm, string Acceptance, int AcceptanceConfirmedDaysAgo);

    public sealed record Match(
        Guid MemberId, string? DisplayName, IReadOnlyList<Profession> Professions, IReadOnlyList<string> Specialties, IReadOnlyList<string> Modalities,
        IReadOnlyList<Delivery> Delivery, IReadOnlyList<PracticeLocation> Locations, int? FeeMinYen, int? FeeMaxYen, bool InsuranceCovered,
        int? TypicalWaitWeeks, double Score, Explanation Why);

    public sealed class Handler(AppDbContext db, Viewers viewers, TimeProvider time)
    {
        public async Task<Result<Page<Match>>> HandleAsync(ClaimsPrincipal user, Query q, CancellationToken cancellationToken)
        {
            var viewer = await viewers.LevelOfAsync(user, cancellationToken);
            if (viewer < ViewerLevel.VerifiedProfessional) return VerifiedOnly;
            var now = time.GetUtcNow();
            var today = DateOnly.FromDateTime(now.UtcDateTime);

            var listed = db.PracticeProfiles.AsNoTracking()
                .Where(p => db.Credentials.Any(c => c.MemberId == p.MemberId && c.Status == CredentialStatus.Verified && (c.ExpiresOn == null || c.ExpiresOn >= today)));
            if (q.Professions.Count > 0)
                listed = listed.Where(p => db.Credentials.Any(c => c.MemberId == p.MemberId && c.Status == CredentialStatus.Verified
                    && (c.ExpiresOn == null || c.ExpiresOn >= today) && q.Professions.Contains(c.Kind)));
            if (q.Specialties.Count > 0) listed = listed.Where(p => p.Specialties.Any(s => q.Specialties.Contains(s)));
            if (q.Modalities.Count > 0) listed = listed.Where(p => p.Modalities.Any(m => q.Modalities.Contains(m)));
            if (q.AgeGroups.Count > 0) listed = listed.Where(p => p.AgeGroups.Any(a => q.AgeGroups.Contains(a)));
            if (q.Languages.Count > 0) listed = listed.Where(p => p.Languages.Any(l => q.Languages.Contains(l)));
            if (q.Delivery.Count > 0) listed = listed.Where(p => p.Delivery.Any(d => q.Delivery.Contains(d)));
            if (q.MaxFee is { } maxFee) listed = listed.Where(p => p.FeeMinYen == null || p.FeeMinYen <= maxFee);
            if (q.Insurance == true) listed = listed.Where(p => p.InsuranceCovered);
            if (q.Accepting == true) listed = listed.Where(p => p.Acceptance == Acceptance.Accepting);
            var candidates = await listed.Take(2000).ToListAsync(cancellationToken);

            // Area: a location in the prefecture, or online service to it.
            if (q.Prefectures.Count > 0)
                candidates = candidates.Where(p => p.Locations.Any(l => q.Prefectures.Contains(l.Prefecture))
                    || (p.Delivery.Contains(Delivery.Online) && p.OnlinePrefectures.Any(q.Prefectures.Contains))).ToList();
            if (q.Accepting == true) candidates = candidates.Where(p => p.AcceptanceAsOf(now) == Acceptance.Accepting).ToList();

            var ids = candidates.Select(p => p.MemberId).ToList();
            var professions = await viewers.VerifiedProfessionsAsync(ids, cancellationToken);
            var names = await db.MemberProfiles.AsNoTracking().Where(m => ids.Contains(m.Id) && !m.IsHidden).ToDictionaryAsync(m => m.Id, m => m.DisplayName, cancellationToken);
            var seed = today.ToString("O");

            var ranked = candidates.Select(p =>
            {
                var fit = PracticeFit.Of(p, q.Specialties, q.Modalities, q.Near, now);
                var why = new Explanation(fit.Specialties, fit.Modalities, fit.DistanceKm is { } d ? Math.Round(d, 1) : null,
                    fit.Acceptance?.ToString() ?? "unknown", (int)(now - p.AcceptanceConfirmedAt).TotalDays);
                return new Match(p.MemberId, names.GetValueOrDefault(p.MemberId), professions.GetValueOrDefault(p.MemberId) ?? [], p.Specialties, p.Modalities,
                    p.Delivery, p.Locations, p.FeeMinYen, p.FeeMaxYen, p.InsuranceCovered, p.TypicalWaitWeeks, Math.Round(fit.Score, 2), why);
            })
            .OrderByDescending(r => r.Score)
            .ThenBy(r => Rotation(seed, r.MemberId))
            .ToList();

            var page = ranked.Skip(q.Offset).Take(q.Take).ToList();
            var next = q.Offset + q.Take < ranked.Count ? Convert.ToBase64String(BitConverter.GetBytes(q.Offset + q.Take)) : null;
            return new Page<Match>(page, next);
        }

        /// <summary>Equal fits are ordered by a hash of the day and the member: fair, and stable within a day for paging.</summary>
        private static string Rotation(string seed, Guid memberId) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(seed + memberId.ToString("N"))));
    }

    public static void MapDirectoryEndpoints(this IEndpointRouteBuilder app)
        => app.MapGet("/api/directory", async Task<Results<Ok<Page<Match>>, ProblemHttpResult>> (
                HttpRequest http, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            {
                var query = http.Query;
                List<T>? Enums<T>(string name, out ProblemHttpResult? problem) where T : struct, Enum
                {
                    problem = null;
                    var values = new List<T>();
                    foreach (var raw in query[name].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
                    {
                        if (!QueryValues.TryEnum<T>(raw, name, out var parsed, out problem)) return null;
                        values.Add(parsed!.Value);
                    }
                    return values;
                }
                List<string> Strings(string name) => query[name].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

                if (Enums<Profession>("profession", out var problem) is not { } professions) return problem!;
                if (Enums<AgeGroup>("ageGroup", out problem) is not { } ageGroups) return problem!;
                if (Enums<Delivery>("delivery", out problem) is not { } delivery) return problem!;
                if (Enums<Prefecture>("prefecture", out problem) is not { } prefectures) return problem!;
                (double, double)? near = null;
                if (query["near"].FirstOrDefault() is { Length: > 0 } n)
                {
                    var parts = n.Split(',');
                    if (parts.Length != 2 || !double.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var lat) || !double.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var lon)
                        || lat is < -90 or > 90 || lon is < -180 or > 180)
                        return Problems.InvalidField("near", "Use near=latitude,longitude.");
                    near = (lat, lon);
                }
                int? maxFee = null;
                if (query["maxFee"].FirstOrDefault() is { Length: > 0 } f)
                {
                    if (!int.TryParse(f, out var fee) || fee < 0) return Problems.InvalidField("maxFee", "Whole yen, 0 or more.");
                    maxFee = fee;
                }
                bool? Flag(string name) => bool.TryParse(query[name].FirstOrDefault(), out var b) ? b : null;
                var take = int.TryParse(query["limit"].FirstOrDefault(), out var l) ? l : Cursor.DefaultLimit;
                if (take is < 1 or > Cursor.MaxLimit) return Problems.InvalidField("limit", $"Use a limit from 1 to {Cursor.MaxLimit}.");
                var offset = 0;
                if (query["cursor"].FirstOrDefault() is { Length: > 0 } c)
                {
                    try
                    {
                        offset = BitConverter.ToInt32(Convert.FromBase64String(c));
                    }
                    catch (Exception e) when (e is FormatException or ArgumentException)
                    {
                        return Problems.InvalidField("cursor", "This cursor is not one this API gave out.");
                    }
                }
                var result = await handler.HandleAsync(user, new Query(professions, Strings("specialty"), Strings("modality"), ageGroups, Strings("language"),
                    delivery, prefectures, near, maxFee, Flag("insurance"), Flag("accepting"), offset, take), ct);
                return result.ToOk();
            })
            .RequireAuthorization().WithTags("Referrals").WithName(nameof(SearchDirectory)).ProducesProblems(400, 401, 403)
            .WithDescription("Facets: profession, specialty, modality, ageGroup, language, delivery, prefecture (comma-separated values are OR), near=lat,lon, maxFee, insurance, accepting.");
}
