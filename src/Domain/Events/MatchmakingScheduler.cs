using Assemble.Domain.Common;
using Assemble.Domain.Members;

namespace Assemble.Domain.Events;

/// <summary>The two sides of a matchmaking evening (お見合い): doctors, and psychologists or social workers.</summary>
public enum MatchmakingSide { Doctor, Counsellor }

public static class MatchmakingSides
{
    public static readonly Profession[] Doctors = [Profession.Physician, Profession.Psychiatrist];

    public static readonly Profession[] Counsellors =
        [Profession.CertifiedPublicPsychologist, Profession.ClinicalPsychologist, Profession.CertifiedSocialWorker, Profession.PsychiatricSocialWorker];

    /// <summary>A verified credential decides which side a member may register on.</summary>
    public static bool Allows(MatchmakingSide side, IReadOnlyList<Profession> verified)
        => verified.Any((side == MatchmakingSide.Doctor ? Doctors : Counsellors).Contains);
}

/// <summary>One participant as the scheduler sees them.</summary>
public sealed record MatchmakingParticipant(Guid MemberId, MatchmakingSide Side);

/// <summary>One meeting: in round R at table T, a doctor and a counsellor talk.</summary>
public sealed record Meeting(int Round, int Table, Guid DoctorId, Guid CounsellorId, double Score);

/// <summary>
/// Builds the round schedule. Each round is a maximum-weight assignment between doctors and counsellors over the
/// pairs that are compatible (fit is not null) and have not met yet; the weight first maximises how many people
/// meet, then favours those with fewer meetings so far (so counts stay balanced), then the fit score.
/// </summary>
public static class MatchmakingScheduler
{
    public const int MaxRounds = 20;
    private const double Base = 1_000_000;
    private const double FairnessStep = 1_000;

    public static Result<IReadOnlyList<Meeting>> Schedule(
        IReadOnlyList<Guid> doctors, IReadOnlyList<Guid> counsellors, int rounds, Func<Guid, Guid, double?> fit)
    {
        if (rounds is < 1 or > MaxRounds)
            return Error.Validation("matchmaking.invalid", new Dictionary<string, string[]> { ["rounds"] = [$"From 1 to {MaxRounds} rounds."] });
        if (doctors.Count == 0 || counsellors.Count == 0) return EventErrors.MatchmakingNeedsBothSides;

        var score = new double?[doctors.Count, counsellors.Count];
        for (var d = 0; d < doctors.Count; d++)
            for (var c = 0; c < counsellors.Count; c++)
                score[d, c] = fit(doctors[d], counsellors[c]) is { } s ? Math.Clamp(s, 0, FairnessStep / 2 - 1) : null;

        var met = new bool[doctors.Count, counsellors.Count];
        var doctorCount = new int[doctors.Count];
        var counsellorCount = new int[counsellors.Count];
        var meetings = new List<Meeting>();
        for (var round = 1; round <= rounds; round++)
        {
            var n = Math.Max(doctors.Count, counsellors.Count);
            var weight = new double[n, n];
            for (var d = 0; d < doctors.Count; d++)
                for (var c = 0; c < counsellors.Count; c++)
                    if (score[d, c] is { } s && !met[d, c])
                        weight[d, c] = Base + FairnessStep * ((rounds - doctorCount[d]) + (rounds - counsellorCount[c])) + s;
            var assignment = Assignment.Maximise(weight);
            var pairs = Enumerable.Range(0, doctors.Count)
                .Where(d => assignment[d] < counsellors.Count && weight[d, assignment[d]] > 0)
                .Select(d => (d, c: assignment[d]))
                .OrderBy(p => doctors[p.d])
                .ToList();
            var table = 0;
            foreach (var (d, c) in pairs)
            {
                met[d, c] = true;
                doctorCount[d]++;
                counsellorCount[c]++;
                meetings.Add(new Meeting(round, ++table, doctors[d], counsellors[c], score[d, c]!.Value));
            }
        }
        return Result<IReadOnlyList<Meeting>>.Success(meetings);
    }

    /// <summary>The Hungarian method (Kuhn–Munkres, O(n³)) on a square matrix: the column for each row that maximises the total weight.</summary>
    private static class Assignment
    {
        public static int[] Maximise(double[,] weight)
        {
            var n = weight.GetLength(0);
            var max = 0.0;
            foreach (var w in weight) max = Math.Max(max, w);
            // Minimise cost = max − weight, 1-based potentials as in the classic formulation.
            var u = new double[n + 1];
            var v = new double[n + 1];
            var p = new int[n + 1];
            var way = new int[n + 1];
            for (var i = 1; i <= n; i++)
            {
                p[0] = i;
                var j0 = 0;
                var minv = Enumerable.Repeat(double.PositiveInfinity, n + 1).ToArray();
                var used = new bool[n + 1];
                do
                {
                    used[j0] = true;
                    int i0 = p[j0], j1 = 0;
                    var delta = double.PositiveInfinity;
                    for (var j = 1; j <= n; j++)
                    {
                        if (used[j]) continue;
                        var cur = (max - weight[i0 - 1, j - 1]) - u[i0] - v[j];
                        if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
                        if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                    }
                    for (var j = 0; j <= n; j++)
                    {
                        if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
                        else minv[j] -= delta;
                    }
                    j0 = j1;
                } while (p[j0] != 0);
                do
                {
                    var j1 = way[j0];
                    p[j0] = p[j1];
                    j0 = j1;
                } while (j0 != 0);
            }
            var result = new int[n];
            for (var j = 1; j <= n; j++) result[p[j] - 1] = j - 1;
            return result;
        }
    }

    /// <summary>Mutual choices only: a match exists when both chose each other; a one-sided choice is never shown to the one chosen.</summary>
    public static IReadOnlyList<(Guid A, Guid B)> Matches(IEnumerable<(Guid Chooser, Guid Chosen)> selections)
    {
        var set = selections.ToHashSet();
        return set.Where(s => s.Chooser.CompareTo(s.Chosen) < 0 && set.Contains((s.Chosen, s.Chooser))).Select(s => (s.Chooser, s.Chosen)).ToList();
    }
}

/// <summary>A stored meeting of an event's round schedule.</summary>
public sealed class MatchmakingMeeting
{
    private MatchmakingMeeting() { }

    public MatchmakingMeeting(Guid eventId, Meeting meeting)
    {
        EventId = eventId;
        Round = meeting.Round;
        TableNo = meeting.Table;
        DoctorId = meeting.DoctorId;
        CounsellorId = meeting.CounsellorId;
        Score = meeting.Score;
    }

    public Guid EventId { get; private set; }
    public int Round { get; private set; }
    public int TableNo { get; private set; }
    public Guid DoctorId { get; private set; }
    public Guid CounsellorId { get; private set; }
    public double Score { get; private set; }
}

/// <summary>One participant's wish to continue with another. Only the chooser ever sees it, unless it is mutual.</summary>
public sealed class MatchmakingSelection
{
    private MatchmakingSelection() { }

    public MatchmakingSelection(Guid eventId, Guid chooserId, Guid chosenId, DateTimeOffset now)
    {
        EventId = eventId;
        ChooserId = chooserId;
        ChosenId = chosenId;
        CreatedAt = now;
    }

    public Guid EventId { get; private set; }
    public Guid ChooserId { get; private set; }
    public Guid ChosenId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
}
