#if BENCHMARK
using System.Globalization;
using System.Security.Claims;
using Assemble.Api.Features.Referrals;
using Assemble.Domain.Credentials;
using Assemble.Domain.Members;
using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Identity;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Assemble.Api.Bench;

/// <summary>
/// The directory benchmark (bench/directory.sh): N practice profiles with realistic spreads (common specialties
/// common, rare ones rare; practices where people live), a verified searcher's token, a set of 2–5-facet queries with
/// a distance filter, and a raw-Npgsql baseline that runs the same ranking statement and reads the same page rows.
/// </summary>
public static class DirectoryBench
{
    private static readonly (string Code, int Weight)[] Specialties =
    [
        ("depression", 30), ("anxiety", 28), ("trauma-ptsd", 16), ("developmental", 15), ("child-adolescent", 14), ("workplace", 12),
        ("family-couples", 9), ("grief", 6), ("addiction", 6), ("eating-disorders", 5), ("suicide-prevention", 4), ("psychosis", 4),
        ("dementia", 3), ("perinatal", 2),
    ];

    private static readonly (string Code, int Weight)[] Modalities =
    [
        ("cbt", 35), ("person-centred", 15), ("psychodynamic", 10), ("mindfulness", 9), ("solution-focused", 8), ("family-therapy", 6),
        ("play-therapy", 5), ("act", 5), ("emdr", 4), ("tf-cbt", 3), ("schema", 3), ("dbt", 2),
    ];

    /// <summary>Where practices are: roughly where people live (weight), with a centre to jitter around.</summary>
    private static readonly (Prefecture Prefecture, double Lat, double Lon, int Weight)[] Cities =
    [
        (Prefecture.Tokyo, 35.6812, 139.7671, 28), (Prefecture.Kanagawa, 35.4660, 139.6223, 9), (Prefecture.Saitama, 35.8617, 139.6455, 6),
        (Prefecture.Chiba, 35.6074, 140.1065, 5), (Prefecture.Osaka, 34.7025, 135.4959, 12), (Prefecture.Hyogo, 34.6913, 135.1830, 5),
        (Prefecture.Kyoto, 34.9858, 135.7588, 4), (Prefecture.Aichi, 35.1709, 136.8815, 7), (Prefecture.Fukuoka, 33.5902, 130.4207, 5),
        (Prefecture.Hokkaido, 43.0687, 141.3508, 4), (Prefecture.Miyagi, 38.2601, 140.8824, 3), (Prefecture.Hiroshima, 34.3978, 132.4752, 3),
        (Prefecture.Okinawa, 26.2124, 127.6809, 2), (Prefecture.Niigata, 37.9161, 139.0364, 2), (Prefecture.Shizuoka, 34.9756, 138.3828, 2),
    ];

    public sealed record SeedResponse(int Profiles, string Token, IReadOnlyList<string> Queries);

    public static void MapDirectoryBench(this IEndpointRouteBuilder bench)
    {
        bench.MapPost("/seed-directory", async (int profiles, AppDbContext db, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider time) =>
        {
            var now = time.GetUtcNow();
            var random = new Random(6);
            var terms = await db.VocabularyTerms.AsNoTracking().ToListAsync();
            var knownSpecialties = terms.Where(t => t.Kind == VocabularyKind.Specialty).Select(t => t.Code).ToHashSet();
            var knownModalities = terms.Where(t => t.Kind == VocabularyKind.Modality).Select(t => t.Code).ToHashSet();
            Profession[] kinds = [Profession.ClinicalPsychologist, Profession.CertifiedPublicPsychologist, Profession.ClinicalPsychologist,
                Profession.PsychiatricSocialWorker, Profession.CertifiedSocialWorker, Profession.Psychiatrist];
            var expires = DateOnly.FromDateTime(now.UtcDateTime).AddYears(2);

            for (var start = 0; start < profiles; start += 1000)
            {
                for (var i = start; i < Math.Min(profiles, start + 1000); i++)
                {
                    var email = $"practice{i}@bench.example";
                    var user = new AppUser { UserName = email, Email = email, NormalizedEmail = email.ToUpperInvariant(), NormalizedUserName = email.ToUpperInvariant(), EmailConfirmed = true, CreatedAt = now };
                    db.Users.Add(user);
                    var kind = kinds[i % kinds.Length];
                    var city = Pick(random, Cities, c => c.Weight);
                    db.MemberProfiles.Add(MemberProfile.Create(user.Id, new ProfileDetails($"実践者 {i}", null, [kind], null, city.Prefecture, null, [], PreferredLanguage.Ja,
                        new Dictionary<ProfileField, Visibility> { [ProfileField.Professions] = Visibility.Public }, false), now).Value!);
                    var credential = Credential.Submit(user.Id, kind, $"BENCH-{i}", "厚生労働省", expires, now).Value!;
                    credential.Verify(user.Id, now);
                    db.Credentials.Add(credential);
                    var locations = Enumerable.Range(0, random.Next(4) == 0 ? 2 : 1).Select(_ =>
                    {
                        var c = Pick(random, Cities, x => x.Weight);
                        return new PracticeLocation(c.Prefecture, null, c.Lat + (random.NextDouble() - 0.5) * 0.4, c.Lon + (random.NextDouble() - 0.5) * 0.4);
                    }).ToList();
                    var online = random.Next(3) > 0;
                    var fee = 3000 + 1000 * random.Next(8);
                    var details = new PracticeDetails(
                        Enumerable.Range(0, random.Next(1, 5)).Select(_ => Pick(random, Specialties, s => s.Weight).Code).Distinct().ToList(),
                        Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick(random, Modalities, m => m.Weight).Code).Distinct().ToList(),
                        Enum.GetValues<AgeGroup>().Where(_ => random.Next(2) == 0).DefaultIfEmpty(AgeGroup.Adult).ToList(),
                        random.Next(8) == 0 ? ["ja", "en"] : random.Next(40) == 0 ? ["ja", "zh"] : ["ja"],
                        online ? [Delivery.InPerson, Delivery.Online] : [Delivery.InPerson],
                        locations, online ? locations.Select(l => l.Prefecture).Concat(random.Next(3) == 0 ? Cities.Take(4).Select(c => c.Prefecture) : []).Distinct().ToList() : [],
                        [(PracticeSetting)random.Next(6)], fee, fee + 1000 * random.Next(0, 8), random.Next(3) == 0,
                        (Acceptance)Pick(random, [(0, 6), (1, 3), (2, 1)], a => a.Item2).Item1, random.Next(0, 9));
                    var created = PracticeProfile.Create(user.Id, details, knownSpecialties, knownModalities, now.AddDays(-random.Next(0, 60)));
                    var practice = created.Value ?? throw new InvalidOperationException($"Bench profile {i}: {created.Error!.Code} {string.Join("; ", created.Error.Fields.Select(f => f.Key + ": " + string.Join(' ', f.Value)))}");
                    db.PracticeProfiles.Add(practice);
                }
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }

            // The searcher: a verified psychiatrist.
            var searcher = new AppUser { UserName = "searcher@bench.example", Email = "searcher@bench.example", NormalizedEmail = "SEARCHER@BENCH.EXAMPLE", NormalizedUserName = "SEARCHER@BENCH.EXAMPLE", EmailConfirmed = true, CreatedAt = now };
            db.Users.Add(searcher);
            var own = Credential.Submit(searcher.Id, Profession.Psychiatrist, "BENCH-SEARCHER", "厚生労働省", expires, now).Value!;
            own.Verify(searcher.Id, now);
            db.Credentials.Add(own);
            await db.SaveChangesAsync();
            var options = bearer.Get(IdentityConstants.BearerScheme);
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, searcher.Id.ToString()), new Claim(ClaimTypes.Name, searcher.UserName!)], IdentityConstants.BearerScheme);
            var token = options.BearerTokenProtector.Protect(new AuthenticationTicket(new ClaimsPrincipal(identity), new AuthenticationProperties { ExpiresUtc = now.AddHours(4) }, IdentityConstants.BearerScheme));

            // 200 queries: 2–5 facets each, always near a city centre with a distance filter.
            var queries = Enumerable.Range(0, 200).Select(_ =>
            {
                var c = Pick(random, Cities, x => x.Weight);
                var facets = new List<string>
                {
                    "specialty=" + string.Join(',', Enumerable.Range(0, random.Next(1, 3)).Select(_ => Pick(random, Specialties, s => s.Weight).Code).Distinct()),
                };
                string[] optional =
                [
                    "modality=" + Pick(random, Modalities, m => m.Weight).Code,
                    "ageGroup=" + (AgeGroup)random.Next(4),
                    "delivery=" + (random.Next(2) == 0 ? "online" : "inPerson"),
                    "accepting=true",
                    "maxFee=" + (6000 + 1000 * random.Next(6)),
                    "language=ja",
                ];
                facets.AddRange(optional.OrderBy(_ => random.Next()).Take(random.Next(1, 5)));
                return $"/api/directory?{string.Join('&', facets)}&near={c.Lat.ToString(CultureInfo.InvariantCulture)},{c.Lon.ToString(CultureInfo.InvariantCulture)}&withinKm={Pick(random, [(20, 1), (50, 2), (100, 1)], k => k.Item2).Item1}&limit=20";
            }).ToList();
            return TypedResults.Ok(new SeedResponse(profiles, token, queries));
        });

        // The floor: the same ranking statement and the same page rows (profiles, names, professions), through raw Npgsql.
        bench.MapGet("/baseline/directory", async Task<IResult> (HttpRequest http, NpgsqlDataSource dataSource, TimeProvider time) =>
        {
            var (query, problem) = SearchDirectory.Parse(http.Query);
            if (problem is not null) return problem;
            var now = time.GetUtcNow();
            var ranked = new List<(Guid Id, double Score)>();
            await using (var command = dataSource.CreateCommand(RankSql))
            {
                command.Parameters.AddRange(RankParameters(query!, now));
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) ranked.Add((reader.GetGuid(0), reader.GetDouble(1)));
            }
            var ids = ranked.Take(query!.Take).Select(r => r.Id).ToArray();
            var rows = new List<object>();
            await using (var page = dataSource.CreateCommand("""
                SELECT p.member_id, p.specialties, p.modalities, p.delivery, p.locations::text, p.fee_min_yen, p.fee_max_yen, p.insurance_covered,
                       p.typical_wait_weeks, p.acceptance, p.acceptance_confirmed_at, m.display_name,
                       (SELECT array_agg(DISTINCT c.kind) FROM credentials c WHERE c.member_id = p.member_id AND c.status = 'Verified')
                FROM practice_profiles p LEFT JOIN member_profiles m ON m.id = p.member_id AND NOT m.is_hidden
                WHERE p.member_id = ANY($1)
                """))
            {
                page.Parameters.Add(new NpgsqlParameter { Value = ids });
                await using var reader = await page.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    rows.Add(new
                    {
                        memberId = reader.GetGuid(0), specialties = reader.GetFieldValue<string[]>(1), modalities = reader.GetFieldValue<string[]>(2),
                        delivery = reader.GetFieldValue<string[]>(3), locations = reader.GetString(4), feeMinYen = reader.IsDBNull(5) ? (int?)null : reader.GetInt32(5),
                        feeMaxYen = reader.IsDBNull(6) ? (int?)null : reader.GetInt32(6), insuranceCovered = reader.GetBoolean(7),
                        typicalWaitWeeks = reader.IsDBNull(8) ? (int?)null : reader.GetInt32(8), acceptance = reader.GetString(9),
                        confirmedAt = reader.GetFieldValue<DateTimeOffset>(10), displayName = reader.IsDBNull(11) ? null : reader.GetString(11),
                        professions = reader.IsDBNull(12) ? [] : reader.GetFieldValue<string[]>(12),
                        score = ranked.First(r => r.Id == reader.GetGuid(0)).Score,
                    });
            }
            return TypedResults.Ok(new { items = rows });
        }).RequireAuthorization();
    }

    // The raw-SQL baseline: the directory's filters and PracticeFit's score written as one PostgreSQL statement
    // (credential validity is the one SQL form of the rule the API uses, so both sides list the same people).
    private static readonly string RankSql = $"""
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
            WHERE EXISTS (SELECT 1 FROM credentials c WHERE c.member_id = p.member_id AND {RuleSql.CredentialValidOn("c", "@today")}
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

    /// <summary>The ranking statement's parameters for a query (the raw-SQL baseline).</summary>
    private static NpgsqlParameter[] RankParameters(SearchDirectory.Query q, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        static NpgsqlParameter Texts(string name, IEnumerable<string> values) => new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() };
        return
        [
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
            new NpgsqlParameter("seed", DirectoryIndex.RotationSeed(today)),
            new NpgsqlParameter("take", q.Take + 1), new NpgsqlParameter("offset", q.Offset)
        ];
    }


    private static T Pick<T>(Random random, IReadOnlyList<T> items, Func<T, int> weight)
    {
        var total = items.Sum(weight);
        var roll = random.Next(total);
        foreach (var item in items)
        {
            roll -= weight(item);
            if (roll < 0) return item;
        }
        return items[^1];
    }
}
#endif
