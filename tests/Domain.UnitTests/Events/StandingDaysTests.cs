using Assemble.Domain.Events;
using Assemble.Domain.Memberships;
using Xunit;

namespace Assemble.Domain.UnitTests.Events;

public sealed class StandingDaysTests
{
    [Fact]
    public void At_MidnightInTokyo_TheMembershipDayIsTheNextWhileTheCredentialDayIsTheUtcDate()
    {
        var days = StandingDays.At(new DateTimeOffset(2027, 3, 31, 15, 0, 0, TimeSpan.Zero)); // 2027-04-01 00:00 in Tokyo
        Assert.Equal(new DateOnly(2027, 3, 31), days.Credentials);
        Assert.Equal(new DateOnly(2027, 4, 1), days.Membership);
    }

    [Fact]
    public void At_JustBeforeMidnightInTokyo_BothAreTheSameDay()
    {
        var days = StandingDays.At(new DateTimeOffset(2027, 3, 31, 14, 59, 59, TimeSpan.Zero));
        Assert.Equal(days.Credentials, days.Membership);
    }

    [Theory]
    [InlineData("2027-04-01", true)]
    [InlineData("2028-03-31", true)]
    [InlineData("2027-03-31", false)]
    [InlineData("2028-04-01", false)]
    public void Covers_IncludesBothEnds(string day, bool covered)
        => Assert.Equal(covered, new MembershipPeriod(new DateOnly(2027, 4, 1), new DateOnly(2028, 3, 31)).Covers(DateOnly.Parse(day)));
}
