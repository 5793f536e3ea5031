namespace Assemble.Domain.Referrals;

/// <summary>
/// How well a practice fits a need: 10 points per wanted specialty it covers, 5 per wanted modality, 3 if it is
/// accepting (1 on a waitlist, 0 when unknown or not accepting), and up to 5 for nearness (5 at the door, nothing
/// from 50 km). The directory, referral matches and the matchmaking rounds all rank by this one score.
/// </summary>
public static class PracticeFit
{
    public sealed record Fit(IReadOnlyList<string> Specialties, IReadOnlyList<string> Modalities, double? DistanceKm, Acceptance? Acceptance, double Score);

    public static Fit Of(PracticeProfile practice, IReadOnlyCollection<string> wantedSpecialties, IReadOnlyCollection<string> wantedModalities,
        (double Lat, double Lon)? near, DateTimeOffset now)
    {
        var specialties = practice.Specialties.Where(wantedSpecialties.Contains).ToList();
        var modalities = practice.Modalities.Where(wantedModalities.Contains).ToList();
        var distance = near is { } n ? NearestKm(practice.Locations, n.Lat, n.Lon) : null;
        var acceptance = practice.AcceptanceAsOf(now);
        return new Fit(specialties, modalities, distance, acceptance, Score(specialties.Count, modalities.Count, acceptance, distance));
    }

    public static double Score(int specialties, int modalities, Acceptance? acceptance, double? distanceKm)
        => 10.0 * specialties + 5.0 * modalities
           + (acceptance == Acceptance.Accepting ? 3 : acceptance == Acceptance.Waitlist ? 1 : 0)
           + (distanceKm is { } km ? Math.Max(0, 5 - km / 10) : 0);

    /// <summary>
    /// A doctor and a counsellor at a matchmaking evening: null when they cannot work together (no shared language,
    /// or the counsellor neither practises in nor serves online any prefecture the doctor works in); otherwise the
    /// counsellor's fit to the doctor's specialties and modalities, measured from the doctor's nearest location.
    /// Someone without a practice profile is compatible with everyone, with a score of 0.
    /// </summary>
    public static double? Between(PracticeProfile? doctor, PracticeProfile? counsellor, DateTimeOffset now)
    {
        if (doctor is null || counsellor is null) return 0;
        if (!doctor.Languages.Intersect(counsellor.Languages).Any()) return null;
        var areas = doctor.Locations.Select(l => l.Prefecture).ToHashSet();
        var reaches = areas.Count == 0
            || counsellor.Locations.Any(l => areas.Contains(l.Prefecture))
            || (counsellor.Delivery.Contains(Delivery.Online) && counsellor.OnlinePrefectures.Any(areas.Contains));
        if (!reaches) return null;
        var from = doctor.Locations.FirstOrDefault(l => l.Latitude is not null);
        return Of(counsellor, doctor.Specialties, doctor.Modalities, from is null ? null : (from.Latitude!.Value, from.Longitude!.Value), now).Score;
    }

    public static double? NearestKm(IReadOnlyList<PracticeLocation> locations, double lat, double lon)
    {
        double? nearest = null;
        for (var i = 0; i < locations.Count; i++)
            if (locations[i] is { Latitude: { } la, Longitude: { } lo } && Kilometres(lat, lon, la, lo) is var km && (nearest is null || km < nearest)) nearest = km;
        return nearest;
    }

    /// <summary>Great-circle distance (haversine, Earth radius 6371 km).</summary>
    public static double Kilometres(double lat1, double lon1, double lat2, double lon2)
    {
        const double earth = 6371.0;
        static double Rad(double degrees) => degrees * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * earth * Math.Asin(Math.Sqrt(a));
    }
}
