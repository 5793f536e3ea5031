using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Members;
using Assemble.Domain.Common;
using Assemble.Domain.Members;
using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

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
        int? MaxFee, bool? Insurance, bool? Accepting, int Offset, int Take, double? WithinKm = null);

    public sealed record Explanation(IReadOnlyList<string> MatchedSpecialties, IReadOnlyList<string> MatchedModalities, double? DistanceKm, string Acceptance, int AcceptanceConfirmedDaysAgo);

    public sealed record Match(
        Guid MemberId, string? DisplayName, IReadOnlyList<Profession> Professions, IReadOnlyList<string> Specialties, IReadOnlyList<string> Modalities,
        IReadOnlyList<Delivery> Delivery, IReadOnlyList<PracticeLocation> Locations, int? FeeMinYen, int? FeeMaxYen, bool InsuranceCovered,
        int? TypicalWaitWeeks, double Score, Explanation Why);

    public sealed class Handler(AppDbContext db, Viewers viewers, TimeProvider time)
    {
        /// <summary>
        /// Filters and ranks in one statement, so only a page of rows leaves the database. The score is
        /// <see cref="PracticeFit.Score"/> written in SQL (a test holds the two equal); ties are broken by
        /// md5(day ‖ member), the daily rotation. Empty facets are empty arrays, so the statement has one shape.
        /// </summary>
        private const string RankSql = """
            WITH candidates AS (
                SELECT p.member_id,
                       (SELECT count(*) FROM unnest(p.specialties) s WHERE s = ANY(@specialties))::int AS specialties,
                       (SELECT count(*) FROM unnest(p.modalities) m WHERE m = ANY(@modalities))::int AS modalities,
                       CASE WHEN p.acceptance_confirmed_at < @fresh THEN 0 WHEN p.acceptance = 'Accepting' THEN 3 WHEN p.acceptance = 'Waitlist' THEN 1 ELSE 0 END AS acceptance,
                       CASE WHEN @near THEN (
                           SELECT min(2 * 6371.0 * asin(sqrt(power(sin(radians(l.latitude - @lat) / 2), 2)
                                  + cos(radians(@lat)) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - @lon) / 2), 2))))
                           FROM jsonb_to_recordset(p.locations) AS l(latitude double precision, longitude double precision)
                           WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL) END AS km
                FROM practice_profiles p
                WHERE EXISTS (SELECT 1 FROM credentials c WHERE c.member_id = p.member_id AND c.status = 'Verified'
                                AND (c.expires_on IS NULL OR c.expires_on >= @today)
                                AND (cardinality(@professions) = 0 OR c.kind = ANY(@professions)))
                  AND (cardinality(@specialties) = 0 OR p.specialties && @specialties)
                  AND (cardinality(@modalities) = 0 OR p.modalities && @modalities)
                  AND (cardinality(@age_groups) = 0 OR p.age_groups && @age_groups)
                  AND (cardinality(@languages) = 0 OR p.languages && @languages)
                  AND (cardinality(@delivery) = 0 OR p.delivery && @delivery)
                  AND (@max_fee < 0 OR p.fee_min_yen IS NULL OR p.fee_min_yen <= @max_fee)
                  AND (NOT @insurance OR p.insurance_covered)
                  AND (NOT @accepting OR (p.acceptance = 'Accepting' AND p.acceptance_confirmed_at >= @fresh))
                  AND (cardinality(@prefectures) = 0
                       OR ('Online' = ANY(p.delivery) AND p.online_prefectures && @prefectures)
                       OR EXISTS (SELECT 1 FROM jsonb_to_recordset(p.locations) AS l(prefecture text) WHERE l.prefecture = ANY(@location_prefectures)))
            )
            SELECT member_id AS "MemberId",
                   10.0 * specialties + 5.0 * modalities + acceptance + coalesce(greatest(0, 5 - km / 10), 0) AS "Score"
            FROM candidates
            WHERE @within_km < 0 OR km <= @within_km
            ORDER BY "Score" DESC, md5(@seed || member_id::text)
            LIMIT @take OFFSET @offset
            """;

        private sealed record Ranked(Guid MemberId, double Score);

        public async Task<Result<Page<Match>>> HandleAsync(ClaimsPrincipal user, Query q, CancellationToken cancellationToken)
        {
            var viewer = await viewers.LevelOfAsync(user, cancellationToken);
            if (viewer < ViewerLevel.VerifiedProfessional) return VerifiedOnly;
            var now = time.GetUtcNow();
            var today = DateOnly.FromDateTime(now.UtcDateTime);

            static NpgsqlParameter Texts(string name, IEnumerable<string> values) => new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() };
            var ranked = await db.Database.SqlQueryRaw<Ranked>(RankSql,
                Texts("specialties", q.Specialties), Texts("modalities", q.Modalities),
                Texts("professions", q.Professions.Select(p => p.ToString())), Texts("age_groups", q.AgeGroups.Select(a => a.ToString())),
                Texts("languages", q.Languages), Texts("delivery", q.Delivery.Select(d => d.ToString())),
                Texts("prefectures", q.Prefectures.Select(p => p.ToString())),
                Texts("location_prefectures", q.Prefectures.Select(p => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.ToString()))),
                new NpgsqlParameter("fresh", now - PracticeProfile.AcceptanceFreshFor),
                new NpgsqlParameter("today", today),
                new NpgsqlParameter("near", q.Near is not null),
                new NpgsqlParameter("lat", q.Near?.Lat ?? 0.0), new NpgsqlParameter("lon", q.Near?.Lon ?? 0.0),
                new NpgsqlParameter("within_km", q.Near is null ? -1.0 : q.WithinKm ?? -1.0),
                new NpgsqlParameter("max_fee", q.MaxFee ?? -1),
                new NpgsqlParameter("insurance", q.Insurance == true), new NpgsqlParameter("accepting", q.Accepting == true),
                new NpgsqlParameter("seed", RotationSeed(today)),
                new NpgsqlParameter("take", q.Take + 1), new NpgsqlParameter("offset", q.Offset)).ToListAsync(cancellationToken);

            var pageRows = ranked.Take(q.Take).ToList();
            var ids = pageRows.Select(r => r.MemberId).ToList();
            var profiles = await db.PracticeProfiles.AsNoTracking().Where(p => ids.Contains(p.MemberId)).ToDictionaryAsync(p => p.MemberId, cancellationToken);
            var professions = await viewers.VerifiedProfessionsAsync(ids, cancellationToken);
            var names = await db.MemberProfiles.AsNoTracking().Where(m => ids.Contains(m.Id) && !m.IsHidden).ToDictionaryAsync(m => m.Id, m => m.DisplayName, cancellationToken);

            var page = pageRows.Where(r => profiles.ContainsKey(r.MemberId)).Select(r =>
            {
                var p = profiles[r.MemberId];
                var fit = PracticeFit.Of(p, q.Specialties, q.Modalities, q.Near, now);
                var why = new Explanation(fit.Specialties, fit.Modalities, fit.DistanceKm is { } d ? Math.Round(d, 1) : null,
                    fit.Acceptance?.ToString() ?? "unknown", (int)(now - p.AcceptanceConfirmedAt).TotalDays);
                return new Match(p.MemberId, names.GetValueOrDefault(p.MemberId), professions.GetValueOrDefault(p.MemberId) ?? [], p.Specialties, p.Modalities,
                    p.Delivery, p.Locations, p.FeeMinYen, p.FeeMaxYen, p.InsuranceCovered, p.TypicalWaitWeeks, Math.Round(fit.Score, 2), why);
            }).ToList();
            var next = ranked.Count > q.Take ? Convert.ToBase64String(BitConverter.GetBytes(q.Offset + q.Take)) : null;
            return new Page<Match>(page, next);
        }

        /// <summary>The day's seed: equal fits are ordered by md5(seed ‖ member id), fair across days and stable within one for paging.</summary>
        public static string RotationSeed(DateOnly day) => day.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
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
                double? withinKm = null;
                if (query["withinKm"].FirstOrDefault() is { Length: > 0 } w)
                {
                    if (near is null || !double.TryParse(w, System.Globalization.CultureInfo.InvariantCulture, out var km) || km is <= 0 or > 2000)
                        return Problems.InvalidField("withinKm", "Use withinKm (1 to 2000) together with near=latitude,longitude.");
                    withinKm = km;
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
                        if (offset < 0) return Problems.InvalidField("cursor", "This cursor is not one this API gave out.");
                    }
                    catch (Exception e) when (e is FormatException or ArgumentException)
                    {
                        return Problems.InvalidField("cursor", "This cursor is not one this API gave out.");
                    }
                }
                var result = await handler.HandleAsync(user, new Query(professions, Strings("specialty"), Strings("modality"), ageGroups, Strings("language"),
                    delivery, prefectures, near, maxFee, Flag("insurance"), Flag("accepting"), offset, take, withinKm), ct);
                return result.ToOk();
            })
            .RequireAuthorization().WithTags("Referrals").WithName(nameof(SearchDirectory)).ProducesProblems(400, 401, 403)
            .WithDescription("Facets: profession, specialty, modality, ageGroup, language, delivery, prefecture (comma-separated values are OR), near=lat,lon (with withinKm to filter by distance), maxFee, insurance, accepting.");
}
