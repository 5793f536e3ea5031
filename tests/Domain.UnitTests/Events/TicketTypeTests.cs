using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Xunit;

namespace Assemble.Domain.UnitTests.Events;

public sealed class TicketTypeTests
{
    private static readonly DateTimeOffset Now = EventBuilder.Now;
    private const string Field = "ticketTypes[0]";

    private static Result Define(
        TicketType? ticketType = null, string name = "一般", int priceYen = 3000, int? memberPriceYen = null, int? quota = null,
        DateTimeOffset? salesStartAt = null, DateTimeOffset? salesEndAt = null, int maxPerMember = 1)
        => (ticketType ?? TicketType.Create(Guid.NewGuid(), Guid.NewGuid()))
            .Define(name, priceYen, memberPriceYen, quota, salesStartAt, salesEndAt, maxPerMember, Field);

    private static void AssertInvalid(Result result, string field)
    {
        Assert.Equal("event.invalid", result.Error!.Code);
        Assert.Equal(ErrorKind.Validation, result.Error.Kind);
        Assert.Equal([$"{Field}.{field}"], result.Error.Fields.Keys);
    }

    [Fact]
    public void Define_WithValidValues_SetsThemTrimmed()
    {
        var t = TicketType.Create(Guid.NewGuid(), Guid.NewGuid());
        Assert.True(Define(t, name: "  早割  ", priceYen: 5000, memberPriceYen: 4000, quota: 20, salesStartAt: Now, salesEndAt: Now.AddDays(7), maxPerMember: 2).IsSuccess);
        Assert.Equal("早割", t.Name);
        Assert.Equal(5000, t.PriceYen);
        Assert.Equal(4000, t.MemberPriceYen);
        Assert.Equal(20, t.Quota);
        Assert.Equal(2, t.MaxPerMember);
        Assert.False(t.IsFree);
    }

    [Fact]
    public void Define_WithBlankName_ReturnsName() => AssertInvalid(Define(name: " "), "name");

    [Fact]
    public void Define_WithNegativePrice_ReturnsPriceYen() => AssertInvalid(Define(priceYen: -1), "priceYen");

    [Fact]
    public void Define_WithNegativeMemberPrice_ReturnsMemberPriceYen() => AssertInvalid(Define(memberPriceYen: -1), "memberPriceYen");

    [Fact]
    public void Define_WithMemberPriceAbovePrice_ReturnsMemberPriceYen() => AssertInvalid(Define(priceYen: 3000, memberPriceYen: 3001), "memberPriceYen");

    [Fact]
    public void Define_WithMemberPriceEqualToPrice_Succeeds() => Assert.True(Define(priceYen: 3000, memberPriceYen: 3000).IsSuccess);

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Define_WithQuotaBelowOne_ReturnsQuota(int quota) => AssertInvalid(Define(quota: quota), "quota");

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void Define_WithMaxPerMemberOutsideOneToTen_ReturnsMaxPerMember(int maxPerMember) => AssertInvalid(Define(maxPerMember: maxPerMember), "maxPerMember");

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void Define_WithMaxPerMemberAtTheBounds_Succeeds(int maxPerMember) => Assert.True(Define(maxPerMember: maxPerMember).IsSuccess);

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    public void Define_WithSalesEndingBeforeOrAsTheyStart_ReturnsSalesEndAt(int hours)
        => AssertInvalid(Define(salesStartAt: Now, salesEndAt: Now.AddHours(hours)), "salesEndAt");

    [Fact]
    public void Define_WhenInvalid_ChangesNothing()
    {
        var t = TicketType.Create(Guid.NewGuid(), Guid.NewGuid());
        Define(t, name: "一般", priceYen: 3000);
        Define(t, name: "改名", priceYen: -1);
        Assert.Equal("一般", t.Name);
        Assert.Equal(3000, t.PriceYen);
    }

    [Fact]
    public void DefineTicketType_QuotaBelowSeatsTaken_ReturnsQuotaBelowTaken()
    {
        var e = new EventBuilder().WithTicket(quota: 10).Published();
        var ticket = e.TicketTypes[0];
        Assert.True(e.TryTakeSeats(ticket.Id, 4));

        var result = e.DefineTicketType(ticket.Id, "一般", 0, null, 3, null, null, 1, Field, Now);
        Assert.Equal("event.quota_below_taken", result.Error!.Code);
        Assert.Equal(ErrorKind.Conflict, result.Error.Kind);
        Assert.Equal(10, ticket.Quota);

        Assert.True(e.DefineTicketType(ticket.Id, "一般", 0, null, 4, null, null, 1, Field, Now).IsSuccess);
        Assert.Equal(4, ticket.Quota);
        Assert.Equal(4, ticket.SeatsTaken);
    }

    [Fact]
    public void DefineTicketType_WithAnExistingId_ChangesItInPlace()
    {
        var e = new EventBuilder().Draft();
        var ticket = e.TicketTypes[0];
        Assert.True(e.DefineTicketType(ticket.Id, "一般（改）", 2000, 1500, null, null, null, 2, Field, Now).IsSuccess);
        Assert.Single(e.TicketTypes);
        Assert.Equal("一般（改）", ticket.Name);
        Assert.Equal(e.Id, ticket.EventId);
    }

    [Fact]
    public void DefineTicketType_WithAnUnknownId_ReturnsTheIdField()
    {
        var e = new EventBuilder().Draft();
        var result = e.DefineTicketType(Guid.NewGuid(), "一般", 0, null, null, null, null, 1, Field, Now);
        Assert.Equal([$"{Field}.id"], result.Error!.Fields.Keys);
        Assert.Single(e.TicketTypes);
    }

    [Fact]
    public void DefineTicketType_WhenInvalid_AddsNothing()
    {
        var e = new EventBuilder().WithoutTicketTypes().Draft();
        Assert.False(e.DefineTicketType(null, "一般", -1, null, null, null, null, 1, Field, Now).IsSuccess);
        Assert.Empty(e.TicketTypes);
    }

    [Fact]
    public void RemoveTicketType_WithSeatsTaken_ReturnsTicketTypeInUse()
    {
        var e = new EventBuilder().WithTicket(name: "一般").WithTicket(name: "学生").Published();
        e.TryTakeSeats(e.TicketTypes[0].Id, 1);
        Assert.Equal("event.ticket_type_in_use", e.RemoveTicketType(e.TicketTypes[0].Id).Error!.Code);
        Assert.True(e.RemoveTicketType(e.TicketTypes[1].Id).IsSuccess);
        Assert.Single(e.TicketTypes);
    }

    [Fact]
    public void PriceFor_WithAMemberPrice_IsTheMemberPriceForAnActiveMemberOnly()
    {
        var t = TicketType.Create(Guid.NewGuid(), Guid.NewGuid());
        Define(t, priceYen: 5000, memberPriceYen: 3500);
        Assert.Equal(3500, t.PriceFor(activeMember: true));
        Assert.Equal(5000, t.PriceFor(activeMember: false));
    }

    [Fact]
    public void PriceFor_WithoutAMemberPrice_IsThePrice()
    {
        var t = TicketType.Create(Guid.NewGuid(), Guid.NewGuid());
        Define(t, priceYen: 5000);
        Assert.Equal(5000, t.PriceFor(activeMember: true));
    }

    [Fact]
    public void PriceFor_WithAFreeMemberPrice_IsFree()
    {
        var t = TicketType.Create(Guid.NewGuid(), Guid.NewGuid());
        Define(t, priceYen: 5000, memberPriceYen: 0);
        Assert.Equal(0, t.PriceFor(activeMember: true));
        Assert.Equal(5000, t.PriceFor(activeMember: false));
    }

    [Fact]
    public void IsOnSale_FromTheStartUntilJustBeforeTheEnd()
    {
        var t = TicketType.Create(Guid.NewGuid(), Guid.NewGuid());
        Define(t, salesStartAt: Now, salesEndAt: Now.AddDays(1));
        Assert.False(t.IsOnSale(Now.AddTicks(-1)));
        Assert.True(t.IsOnSale(Now));
        Assert.True(t.IsOnSale(Now.AddDays(1).AddTicks(-1)));
        Assert.False(t.IsOnSale(Now.AddDays(1)));
    }

    [Fact]
    public void HasRoomFor_WithoutQuota_IsAlwaysTrue()
    {
        var t = TicketType.Create(Guid.NewGuid(), Guid.NewGuid());
        Define(t);
        Assert.True(t.HasRoomFor(10_000));
    }
}
