using Assemble.Api.Common.Calendar;
using Assemble.Api.Features.Events;
using Assemble.Domain.Events;
using Xunit;
using IcalCalendar = Ical.Net.Calendar;

namespace Assemble.Api.UnitTests;

public sealed class EventCalendarTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 3, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstEvening = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero); // 19:00 JST

    private static EventDetails Details(EventKind kind, int sessions, string title = "キャリアコーチング 第一期") =>
        new(kind, EventFormat.Online, title, "全4回のコーチング講座です。", "Asia/Tokyo",
            Enumerable.Range(0, sessions).Select(i => ((string?)$"第{i + 1}回", FirstEvening.AddDays(7 * i), FirstEvening.AddDays(7 * i).AddHours(2))).ToList(),
            null, "https://zoom.example/j/1", null, null, Audience.AllMembers, [], 12, false, [], [], [], 24, 30, 24);

    private static Event Cohort(int sessions = 4) =>
        Event.Create(Guid.CreateVersion7(), Guid.NewGuid(), Details(EventKind.CoachingCohort, sessions), Now).Value!;

    [Fact]
    public void A_cohort_of_four_evenings_is_four_entries_each_with_its_own_uid_and_times()
    {
        var e = Cohort();

        var entries = EventCalendar.Entries(e, null).ToList();

        Assert.Equal(4, entries.Count);
        Assert.Equal(e.Sessions.Select(s => $"{e.Id}.{s.Id}@assemble"), entries.Select(x => x.Uid));
        Assert.Equal(4, entries.Select(x => x.Uid).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 4).Select(i => FirstEvening.AddDays(7 * i)), entries.Select(x => x.StartsAt));
        Assert.All(entries, x => Assert.Equal(TimeSpan.FromHours(2), x.EndsAt - x.StartsAt));
        Assert.Equal("キャリアコーチング 第一期 (2/4) 第2回", entries[1].Summary);
        Assert.All(entries, x => Assert.Equal(e.Sequence, x.Sequence));
    }

    [Fact]
    public void A_cohort_keeps_its_session_uids_when_changed_and_its_sequence_rises()
    {
        var e = Cohort();
        var before = EventCalendar.Entries(e, null).ToList();

        Assert.True(e.Update(Details(EventKind.CoachingCohort, 4, "キャリアコーチング 第一期（改）"), Now.AddHours(1)).IsSuccess);
        var after = EventCalendar.Entries(e, null).ToList();

        Assert.Equal(before.Select(x => x.Uid), after.Select(x => x.Uid));
        Assert.All(after, x => Assert.True(x.Sequence > before[0].Sequence));
    }

    [Fact]
    public void A_cancelled_cohort_cancels_every_session_with_the_reason()
    {
        var e = Cohort();
        var sequence = e.Sequence;

        Assert.True(e.Cancel("講師の体調不良のため", [], [], Now.AddHours(1)).IsSuccess);
        var entries = EventCalendar.Entries(e, null).ToList();

        Assert.Equal(4, entries.Count);
        Assert.All(entries, x =>
        {
            Assert.True(x.Cancelled);
            Assert.StartsWith("中止 / Cancelled: 講師の体調不良のため", x.Description);
            Assert.True(x.Sequence > sequence);
        });
        Assert.Equal(4, IcalCalendar.Load(IcsWriter.Write(entries))!.Events.Count(x => x.Status == "CANCELLED"));
    }

    [Fact]
    public void A_single_session_event_keeps_the_event_uid()
    {
        var e = Event.Create(Guid.CreateVersion7(), Guid.NewGuid(), Details(EventKind.StudySession, 1, "勉強会"), Now).Value!;

        var entry = Assert.Single(EventCalendar.Entries(e, null));

        Assert.Equal($"{e.Id}@assemble", entry.Uid);
        Assert.Equal("勉強会", entry.Summary);
        Assert.Equal((e.StartsAt, e.EndsAt), (entry.StartsAt, entry.EndsAt));
    }

    [Fact]
    public void The_join_url_is_written_only_when_given()
    {
        var e = Cohort(2);

        Assert.All(EventCalendar.Entries(e, null), x => Assert.Null(x.Url));
        Assert.All(EventCalendar.Entries(e, "https://zoom.example/j/1"), x =>
        {
            Assert.Equal("https://zoom.example/j/1", x.Url);
            Assert.Contains("https://zoom.example/j/1", x.Description);
        });
    }

    [Fact]
    public void A_cohort_written_and_read_back_is_one_vevent_per_session_in_tokyo_time()
    {
        var e = Cohort();

        var ics = IcsWriter.Write(EventCalendar.Entries(e, null), e.Title);
        var calendar = IcalCalendar.Load(ics)!;

        Assert.Equal(4, calendar.Events.Count);
        Assert.Equal(e.Sessions.Select(s => s.StartsAt.UtcDateTime), calendar.Events.Select(x => x.DtStart!.AsUtc));
        Assert.Equal(e.Sessions.Select(s => s.EndsAt.UtcDateTime), calendar.Events.Select(x => x.DtEnd!.AsUtc));
        Assert.All(calendar.Events, x => Assert.Equal("Asia/Tokyo", x.DtStart!.TzId));
        Assert.Contains("DTSTART;TZID=Asia/Tokyo:20261215T190000", ics.Replace("\r\n ", ""));
        Assert.Single(calendar.TimeZones);
    }
}
