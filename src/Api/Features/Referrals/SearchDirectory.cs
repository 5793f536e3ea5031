using System.Globalization;
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

/// <summary>
/// The referral directory, for verified professionals: facets combine with AND, values inside a facet with OR;
/// results are ranked by fit and each carries why (matched specialties and modalities, distance, acceptance and
/// how fresh it is). Among equal fits the order rotates by day and by searcher, so the same person is not always first.
/// </summary>
public static class SearchDirectory
{
    public static readonly Error VerifiedOnly = new("directory.verified_only", "The directory is for verified professionals.", ErrorKind.Forbidden);

    public sealed record Query(
        IReadOnlyList<Profession> Professions, IReadOnlyList<string> Specialties, IReadOnlyList<string> Modalities, IReadOnlyList<AgeGroup> AgeGroups,
        IReadOnlyList<string> Languages, IReadOnlyList<Delivery> Delivery, IReadOnlyList<Prefecture> Prefectures, (double Lat, double Lon)? Near,
        int? MaxFee, bool? Insurance, bool? Accepting, int Offset, int Take, double? WithinKm = null, IReadOnlySet<Guid>? Exclude = null);

    public sealed record MatchExplanation(IReadOnlyList<string> MatchedSpecialties, IReadOnlyList<string> MatchedModalities, double? DistanceKm, string Acceptance, int AcceptanceConfirmedDaysAgo);

    public sealed record Match(
        Guid MemberId, string? DisplayName, IReadOnlyList<Profession> Professions, IReadOnlyList<string> Specialties, IReadOnlyList<string> Modalities,
        IReadOnlyList<Delivery> Delivery, IReadOnlyList<PracticeLocation> Locations, int? FeeMinYen, int? FeeMaxYen, bool InsuranceCovered,
        int? TypicalWaitWeeks, double Score, MatchExplanation Why);

    public sealed class Handler(AppDbContext db, DirectoryIndex index, TimeProvider time)
    {
        public async Task<Result<Page<Match>>> HandleAsync(ClaimsPrincipal user, Query q, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var snapshot = await index.CurrentAsync(db, cancellationToken);
            // Verified professionals (and admins) only; the index knows every verified credential as of this request.
            if (!user.IsAdmin() && !snapshot.IsVerifiedProfessional(user.RequiredMemberId(), today)) return VerifiedOnly;
            return Search(snapshot, q, now, today, user.RequiredMemberId());
        }

        /// <summary>
        /// Filters (facets AND, values OR) and ranks by <see cref="PracticeFit"/>, equal fits in the day's rotation.
        /// One pass without allocations over the index scores the candidates; the explanation is built for the page only.
        /// </summary>
        public static Page<Match> Search(DirectoryIndex.Snapshot snapshot, Query q, DateTimeOffset now, DateOnly today, Guid searcher)
        {
            var specialties = q.Specialties.ToHashSet();
            var modalities = q.Modalities.ToHashSet();
            var languages = q.Languages.ToHashSet();
            var candidates = new List<(double Score, ulong Rotation, int Index)>();
            var rotation = snapshot.RotationKeys(today);
            for (var i = 0; i < snapshot.Entries.Count; i++)
            {
                var entry = snapshot.Entries[i];
                var p = entry.Profile;
                if (!entry.IsListedOn(today)) continue; // every credential lapsed: the profile hides by itself
                if (q.Exclude?.Contains(p.MemberId) == true) continue;
                if (specialties.Count > 0 && Count(p.Specialties, specialties) == 0) continue;
                if (modalities.Count > 0 && Count(p.Modalities, modalities) == 0) continue;
                if (q.AgeGroups.Count > 0 && !Overlaps(p.AgeGroups, q.AgeGroups)) continue;
                if (languages.Count > 0 && Count(p.Languages, languages) == 0) continue;
                if (q.Delivery.Count > 0 && !Overlaps(p.Delivery, q.Delivery)) continue;
                if (q.MaxFee is { } maxFee && p.FeeMinYen > maxFee) continue;
                if (q.Insurance == true && !p.InsuranceCovered) continue;
                var acceptance = p.AcceptanceAsOf(now);
                if (q.Accepting == true && acceptance != Acceptance.Accepting) continue;
                // Area: a location in the prefecture, or online service to it.
                if (q.Prefectures.Count > 0 && !InArea(p, q.Prefectures)) continue;
                if (q.Professions.Count > 0 && !entry.HasProfessionOn(today, q.Professions)) continue;
                var km = q.Near is { } near ? PracticeFit.NearestKm(p.Locations, near.Lat, near.Lon) : null;
                if (q.WithinKm is { } within && !(km <= within)) continue;
                var score = PracticeFit.Score(Count(p.Specialties, specialties), Count(p.Modalities, modalities), acceptance, km);
                candidates.Add((score, DirectoryIndex.RotationKey(rotation[i], searcher), i));
            }
            candidates.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Rotation.CompareTo(b.Rotation));

            var page = candidates.Skip(q.Offset).Take(q.Take).Select(c =>
            {
                var entry = snapshot.Entries[c.Index];
                var p = entry.Profile;
                var fit = PracticeFit.Of(p, specialties, modalities, q.Near, now);
                var why = new MatchExplanation(fit.Specialties, fit.Modalities, fit.DistanceKm is { } d ? Math.Round(d, 1) : null,
                    fit.Acceptance is { } known ? System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(known.ToString()) : "unknown", (int)(now - p.AcceptanceConfirmedAt).TotalDays);
                return new Match(p.MemberId, entry.DisplayName, entry.ProfessionsOn(today), p.Specialties, p.Modalities, p.Delivery, p.Locations,
                    p.FeeMinYen, p.FeeMaxYen, p.InsuranceCovered, p.TypicalWaitWeeks, Math.Round(fit.Score, 2), why);
            }).ToList();
            var next = q.Offset + q.Take < candidates.Count ? Convert.ToBase64String(BitConverter.GetBytes(q.Offset + q.Take)) : null;
            return new Page<Match>(page, next);
        }

        private static int Count(List<string> have, HashSet<string> wanted)
        {
            var n = 0;
            foreach (var x in have) if (wanted.Contains(x)) n++;
            return n;
        }

        private static bool Overlaps<T>(List<T> have, IReadOnlyList<T> wanted) where T : struct, Enum
        {
            foreach (var x in have)
                for (var j = 0; j < wanted.Count; j++)
                    if (EqualityComparer<T>.Default.Equals(x, wanted[j])) return true;
            return false;
        }

        private static bool InArea(PracticeProfile p, IReadOnlyList<Prefecture> prefectures)
        {
            foreach (var l in p.Locations) if (prefectures.Contains(l.Prefecture)) return true;
            if (!p.Delivery.Contains(Delivery.Online)) return false;
            foreach (var online in p.OnlinePrefectures) if (prefectures.Contains(online)) return true;
            return false;
        }
    }

    /// <summary>Reads the directory's query string: the query, or a 400 naming the field.</summary>
    public static (Query? Query, ProblemHttpResult? Problem) Parse(IQueryCollection query)
    {
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

        if (Enums<Profession>("profession", out var problem) is not { } professions) return (null, problem!);
        if (Enums<AgeGroup>("ageGroup", out problem) is not { } ageGroups) return (null, problem!);
        if (Enums<Delivery>("delivery", out problem) is not { } delivery) return (null, problem!);
        if (Enums<Prefecture>("prefecture", out problem) is not { } prefectures) return (null, problem!);
        (double, double)? near = null;
        if (query["near"].FirstOrDefault() is { Length: > 0 } n)
        {
            var parts = n.Split(',');
            if (parts.Length != 2 || !double.TryParse(parts[0], CultureInfo.InvariantCulture, out var lat) || !double.TryParse(parts[1], CultureInfo.InvariantCulture, out var lon)
                || !double.IsFinite(lat) || !double.IsFinite(lon) || lat is < -90 or > 90 || lon is < -180 or > 180)
                return (null, Problems.InvalidField("near", "Use near=latitude,longitude."));
            near = (lat, lon);
        }
        double? withinKm = null;
        if (query["withinKm"].FirstOrDefault() is { Length: > 0 } w)
        {
            if (near is null || !double.TryParse(w, CultureInfo.InvariantCulture, out var km) || !double.IsFinite(km) || km is <= 0 or > 2000)
                return (null, Problems.InvalidField("withinKm", "Use withinKm (1 to 2000) together with near=latitude,longitude."));
            withinKm = km;
        }
        int? maxFee = null;
        if (query["maxFee"].FirstOrDefault() is { Length: > 0 } f)
        {
            if (!int.TryParse(f, out var fee) || fee < 0) return (null, Problems.InvalidField("maxFee", "Whole yen, 0 or more."));
            maxFee = fee;
        }
        bool TryFlag(string name, out bool? value)
        {
            value = null;
            if (query[name].FirstOrDefault() is not { Length: > 0 } raw) return true;
            if (!bool.TryParse(raw, out var parsed)) return false;
            value = parsed;
            return true;
        }
        if (!TryFlag("insurance", out var insurance)) return (null, Problems.InvalidField("insurance", "Use true or false."));
        if (!TryFlag("accepting", out var accepting)) return (null, Problems.InvalidField("accepting", "Use true or false."));
        var languages = Strings("language");
        if (languages.Any(l => l.Length != 2 || !l.All(char.IsAsciiLetterLower))) return (null, Problems.InvalidField("language", "Give ISO 639-1 codes such as ja or en."));
        var (offset, take, pageProblem) = ParsePage(query);
        if (pageProblem is not null) return (null, pageProblem);
        return (new Query(professions, Strings("specialty"), Strings("modality"), ageGroups, languages,
            delivery, prefectures, near, maxFee, insurance, accepting, offset, take, withinKm), null);
    }

    /// <summary>limit (1 to the maximum) and the cursor this API gave out (an offset into today's ranking).</summary>
    public static (int Offset, int Take, ProblemHttpResult? Problem) ParsePage(IQueryCollection query)
    {
        var take = Cursor.DefaultLimit;
        if (query["limit"].FirstOrDefault() is { Length: > 0 } l && (!int.TryParse(l, out take) || take is < 1 or > Cursor.MaxLimit))
            return (0, 0, Problems.InvalidField("limit", $"Use a limit from 1 to {Cursor.MaxLimit}."));
        var offset = 0;
        if (query["cursor"].FirstOrDefault() is { Length: > 0 } c)
        {
            try
            {
                offset = BitConverter.ToInt32(Convert.FromBase64String(c));
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                offset = -1;
            }
            if (offset < 0) return (0, 0, Cursor.InvalidCursor);
        }
        return (offset, take, null);
    }

    public static void MapDirectoryEndpoints(this IEndpointRouteBuilder app)
        => app.MapGet("/api/directory", async Task<Results<Ok<Page<Match>>, ProblemHttpResult>> (
                HttpRequest http, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            {
                var (query, problem) = Parse(http.Query);
                if (problem is not null) return problem;
                return (await handler.HandleAsync(user, query!, ct)).ToOk();
            })
            .RequireAuthorization().WithTags("Referrals").WithName(nameof(SearchDirectory)).WithSummary("Search the directory of practitioners").ProducesProblems(400, 401, 403)
            .WithDescription("Facets: profession, specialty, modality, ageGroup, language, delivery, prefecture (comma-separated values are OR), near=lat,lon (with withinKm to filter by distance), maxFee, insurance, accepting.");
}
