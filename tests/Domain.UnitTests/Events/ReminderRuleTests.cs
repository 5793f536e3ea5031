using Assemble.Domain.Events;
using Xunit;

namespace Assemble.Domain.UnitTests.Events;

public sealed class ReminderRuleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 8, 10, 0, 0, TimeSpan.Zero); // 19:00 JST

    [Fact]
    public void DueAt_OneDayBeforeAt1800Tokyo_Is0900UtcTheDayBefore()
        => Assert.Equal(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero), new ReminderRule(1, new TimeOnly(18, 0), null).DueAt(Start, "Asia/Tokyo"));

    [Fact]
    public void DueAt_OneHourBefore_IsAnHourBeforeTheStart()
        => Assert.Equal(Start.AddHours(-1), new ReminderRule(null, null, 1).DueAt(Start, "Asia/Tokyo"));

    [Fact]
    public void DueAt_UsesTheEventsZoneOnItsDate_AcrossADaylightSavingChange()
    {
        // 2026-03-09 10:00 in New York is EDT (UTC-4): daylight saving began on 03-08 at 02:00, so 03-08 18:00 is EDT too.
        var start = new DateTimeOffset(2026, 3, 9, 14, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 22, 0, 0, TimeSpan.Zero), new ReminderRule(1, new TimeOnly(18, 0), null).DueAt(start, "America/New_York"));
        // Two days before (03-07 18:00) is still standard time, UTC-5.
        Assert.Equal(new DateTimeOffset(2026, 3, 7, 23, 0, 0, TimeSpan.Zero), new ReminderRule(2, new TimeOnly(18, 0), null).DueAt(start, "America/New_York"));
    }

    [Fact]
    public void Defaults_AreTheDayBeforeAt1800AndAnHourBefore()
        => Assert.Equal([new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero), Start.AddHours(-1)], ReminderRule.Defaults.Select(r => r.DueAt(Start, "Asia/Tokyo")).ToArray());

    [Theory]
    [InlineData(1, null, null)]
    [InlineData(null, null, null)]
    [InlineData(1, "18:00", 2)]
    [InlineData(null, null, 0)]
    [InlineData(31, "18:00", null)]
    public void Validate_AnIncompleteOrOutOfRangeRule_IsRefused(int? days, string? at, int? hours)
        => Assert.Equal("reminders.invalid", ReminderRule.Validate([new ReminderRule(days, at is null ? null : TimeOnly.Parse(at), hours)]).Error!.Code);

    [Fact]
    public void Validate_WhenStatusesRepeat_IsRefused()
        => Assert.Equal("reminders.invalid", ReminderRule.Validate([new ReminderRule(null, null, 2, Enumerable.Repeat(RegistrationStatus.Confirmed, 20_000).ToList())]).Error!.Code);
}
