using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Domain.Referrals;
using Xunit;

namespace Assemble.Domain.UnitTests.Events;

public sealed class MatchmakingSchedulerTests
{
    private static List<Guid> People(int count) => Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();

    /// <summary>Properties for random evenings: sizes, rounds and which pairs are compatible vary with the seed.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_evenings_never_repeat_never_pair_the_incompatible_seat_everyone_once_per_round_and_keep_counts_fair(int seed)
    {
        var random = new Random(seed);
        var doctors = People(random.Next(1, 12));
        var counsellors = People(random.Next(1, 16));
        var rounds = random.Next(1, 9);
        var compatibility = random.NextDouble() * 0.6 + 0.4;
        var fits = new Dictionary<(Guid, Guid), double?>();
        foreach (var d in doctors)
            foreach (var c in counsellors)
                fits[(d, c)] = random.NextDouble() < compatibility ? random.Next(0, 40) : null;

        var meetings = MatchmakingScheduler.Schedule(doctors, counsellors, rounds, (d, c) => fits[(d, c)]).Value!;

        Assert.All(meetings, m => Assert.NotNull(fits[(m.DoctorId, m.CounsellorId)]));
        Assert.Equal(meetings.Count, meetings.Select(m => (m.DoctorId, m.CounsellorId)).Distinct().Count());
        foreach (var round in meetings.GroupBy(m => m.Round))
        {
            Assert.InRange(round.Key, 1, rounds);
            Assert.Equal(round.Count(), round.Select(m => m.DoctorId).Distinct().Count());
            Assert.Equal(round.Count(), round.Select(m => m.CounsellorId).Distinct().Count());
            Assert.Equal(Enumerable.Range(1, round.Count()), round.Select(m => m.Table).Order());
        }
        for (var r = 1; r <= rounds; r++)
        {
            var before = meetings.Where(m => m.Round < r).Select(m => (m.DoctorId, m.CounsellorId)).ToHashSet();
            int Count(Guid p) => meetings.Count(m => m.Round < r && (m.DoctorId == p || m.CounsellorId == p));
            bool Free((Guid D, Guid C) pair) => fits[pair] is not null && !before.Contains(pair);
            var round = meetings.Where(m => m.Round == r).ToList();
            var busy = round.SelectMany(m => new[] { m.DoctorId, m.CounsellorId }).ToHashSet();
            // Maximal: nobody sits out while a compatible partner they have not met also sits out.
            foreach (var d in doctors.Where(d => !busy.Contains(d)))
                Assert.DoesNotContain(counsellors, c => !busy.Contains(c) && Free((d, c)));
            // Fair: whoever sits out has met at least as many people as anyone seated in their place, i.e. nobody
            // with fewer meetings is left out for someone with more (swapping them would be a better round).
            foreach (var m in round)
            {
                foreach (var d in doctors.Where(d => !busy.Contains(d) && Free((d, m.CounsellorId))))
                    Assert.True(Count(d) >= Count(m.DoctorId), $"round {r}: a doctor with {Count(d)} meetings sat out for one with {Count(m.DoctorId)}");
                foreach (var c in counsellors.Where(c => !busy.Contains(c) && Free((m.DoctorId, c))))
                    Assert.True(Count(c) >= Count(m.CounsellorId), $"round {r}: a counsellor with {Count(c)} meetings sat out for one with {Count(m.CounsellorId)}");
            }
        }
    }

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var seed = 1; seed <= 200; seed++) data.Add(seed);
        return data;
    }

    [Theory]
    [InlineData(4, 7, 5)]
    [InlineData(6, 6, 6)]
    [InlineData(9, 4, 4)]
    [InlineData(3, 10, 8)]
    [InlineData(1, 5, 3)]
    public void When_everyone_is_compatible_the_smaller_side_meets_someone_every_round_and_counts_differ_by_at_most_one(int doctorCount, int counsellorCount, int rounds)
    {
        var doctors = People(doctorCount);
        var counsellors = People(counsellorCount);
        var meetings = MatchmakingScheduler.Schedule(doctors, counsellors, rounds, (_, _) => 1).Value!;
        var counts = doctors.Concat(counsellors).ToDictionary(p => p, p => meetings.Count(m => m.DoctorId == p || m.CounsellorId == p));
        var (smaller, larger) = doctorCount <= counsellorCount ? (doctors, counsellors) : (counsellors, doctors);
        Assert.All(smaller, p => Assert.Equal(Math.Min(rounds, larger.Count), counts[p]));
        Assert.InRange(larger.Max(p => counts[p]) - larger.Min(p => counts[p]), 0, 1);
        Assert.InRange(smaller.Max(p => counts[p]) - smaller.Min(p => counts[p]), 0, 1);
    }

    [Fact]
    public void Better_fits_meet_first()
    {
        var doctors = People(1);
        var counsellors = People(3);
        var best = counsellors[2];
        var meetings = MatchmakingScheduler.Schedule(doctors, counsellors, 1, (_, c) => c == best ? 30 : 5).Value!;
        Assert.Equal(best, Assert.Single(meetings).CounsellorId);
    }

    [Fact]
    public void Bad_round_counts_and_empty_sides_are_refused()
    {
        Assert.Equal("matchmaking.invalid", MatchmakingScheduler.Schedule(People(2), People(2), 0, (_, _) => 1).Error!.Code);
        Assert.Equal("matchmaking.invalid", MatchmakingScheduler.Schedule(People(2), People(2), 21, (_, _) => 1).Error!.Code);
        Assert.Equal("matchmaking.needs_both_sides", MatchmakingScheduler.Schedule([], People(2), 3, (_, _) => 1).Error!.Code);
    }

    [Fact]
    public void Only_mutual_choices_are_matches()
    {
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var matches = MatchmakingScheduler.Matches([(a, b), (b, a), (c, a)]);
        var match = Assert.Single(matches);
        Assert.Equal(new[] { a, b }.Order(), new[] { match.A, match.B }.Order());
    }

    [Fact]
    public void Sides_follow_verified_professions()
    {
        Assert.True(MatchmakingSides.Allows(MatchmakingSide.Doctor, [Profession.Psychiatrist]));
        Assert.False(MatchmakingSides.Allows(MatchmakingSide.Doctor, [Profession.ClinicalPsychologist]));
        Assert.True(MatchmakingSides.Allows(MatchmakingSide.Counsellor, [Profession.PsychiatricSocialWorker]));
        Assert.False(MatchmakingSides.Allows(MatchmakingSide.Counsellor, [Profession.Teacher]));
    }

    [Fact]
    public void Compatibility_needs_a_shared_language_and_a_reachable_area()
    {
        var now = DateTimeOffset.UtcNow;
        var specialties = new HashSet<string> { "trauma-ptsd", "depression" };
        PracticeProfile Profile(string[] languages, Prefecture where, bool online, Prefecture[] onlineTo) => PracticeProfile.Create(Guid.NewGuid(),
            new PracticeDetails(["trauma-ptsd"], [], [AgeGroup.Adult], languages, online ? [Delivery.InPerson, Delivery.Online] : [Delivery.InPerson],
                [new PracticeLocation(where, null, null, null)], onlineTo, [], null, null, false, Acceptance.Accepting, null),
            specialties, new HashSet<string>(), now).Value!;
        var osakaDoctor = Profile(["ja"], Prefecture.Osaka, false, []);
        Assert.NotNull(PracticeFit.Between(osakaDoctor, Profile(["ja"], Prefecture.Osaka, false, []), now));
        Assert.Null(PracticeFit.Between(osakaDoctor, Profile(["en"], Prefecture.Osaka, false, []), now));
        Assert.Null(PracticeFit.Between(osakaDoctor, Profile(["ja"], Prefecture.Tokyo, false, []), now));
        Assert.NotNull(PracticeFit.Between(osakaDoctor, Profile(["ja"], Prefecture.Tokyo, true, [Prefecture.Osaka]), now));
        Assert.Equal(13, PracticeFit.Between(osakaDoctor, Profile(["ja"], Prefecture.Osaka, false, []), now));
        Assert.Equal(0, PracticeFit.Between(null, osakaDoctor, now));
    }
}
