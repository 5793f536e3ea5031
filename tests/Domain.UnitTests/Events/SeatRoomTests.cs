using Assemble.Domain.Events;
using Xunit;

namespace Assemble.Domain.UnitTests.Events;

public sealed class SeatRoomTests
{
    [Theory]
    [InlineData(10, 10, 1, false)] // exactly full
    [InlineData(10, 9, 1, true)] // one left
    [InlineData(10, 9, 2, false)] // two asked, one left
    [InlineData(10, 8, 2, true)]
    [InlineData(1, 0, 1, true)]
    public void Fits_WhileNoMoreIsAskedThanIsLeft(int size, int taken, int quantity, bool fits)
    {
        Assert.Equal(fits, SeatRoom.Fits(size, taken, quantity));
        Assert.Equal(Math.Max(0, size - taken), SeatRoom.Left(size, taken));
    }

    [Theory]
    [InlineData(10, 3, 3, 3, 1, false)] // the quota reached while the capacity has room
    [InlineData(10, 3, 4, 3, 1, true)]
    [InlineData(10, 3, 4, 3, 2, false)]
    [InlineData(10, 10, 20, 0, 1, false)] // the capacity reached while the quota has room
    [InlineData(10, 9, null, 9, 1, true)] // no quota: the capacity alone
    public void Fits_InTheCapacityAndTheQuota(int capacity, int taken, int? quota, int typeTaken, int quantity, bool fits)
        => Assert.Equal(fits, SeatRoom.Fits(capacity, taken, quota, typeTaken, quantity));

    [Fact]
    public void EventsWithRoom_AsAFilterInMemory_AgreesWithSeatsLeft()
    {
        var e = new EventBuilder().WithCapacity(2).Published();
        var hasRoom = SeatRoom.EventsWithRoom(true).Compile();
        var soldOut = SeatRoom.EventsWithRoom(false).Compile();
        for (var taken = 0; taken <= 2; taken++)
        {
            Assert.Equal(e.SeatsLeft > 0, hasRoom(e));
            Assert.Equal(e.SeatsLeft == 0, soldOut(e));
            e.TryTakeSeats(e.TicketTypes[0].Id, 1);
        }
    }
}
