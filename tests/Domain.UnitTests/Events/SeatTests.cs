using Assemble.Domain.Events;
using Xunit;

namespace Assemble.Domain.UnitTests.Events;

/// <summary>Seats, quotas and the deadlines an event sets for holds, offers and cancellations.</summary>
public sealed class SeatTests
{
    private static readonly DateTimeOffset Now = EventBuilder.Now;
    private static readonly DateTimeOffset Start = EventBuilder.Start;

    [Fact]
    public void TryTakeSeats_WithinCapacity_TakesThemFromEventAndTicketType()
    {
        var e = new EventBuilder().WithCapacity(5).Published();
        var ticket = e.TicketTypes[0];
        Assert.True(e.TryTakeSeats(ticket.Id, 3));
        Assert.Equal(3, e.SeatsTaken);
        Assert.Equal(3, ticket.SeatsTaken);
        Assert.Equal(2, e.SeatsLeft);
    }

    [Fact]
    public void TryTakeSeats_BeyondCapacity_TakesNothing()
    {
        var e = new EventBuilder().WithCapacity(5).Published();
        var ticket = e.TicketTypes[0];
        Assert.True(e.TryTakeSeats(ticket.Id, 4));
        Assert.False(e.TryTakeSeats(ticket.Id, 2));
        Assert.Equal(4, e.SeatsTaken);
        Assert.Equal(4, ticket.SeatsTaken);
        Assert.True(e.TryTakeSeats(ticket.Id, 1));
        Assert.Equal(0, e.SeatsLeft);
    }

    [Fact]
    public void TryTakeSeats_QuotaInsideALargerCapacity_StopsAtTheQuotaAndLeavesTheRestToOthers()
    {
        var e = new EventBuilder().WithCapacity(10)
            .WithTicket(name: "学生", quota: 3)
            .WithTicket(name: "一般")
            .Published();
        var student = e.TicketTypes.Single(t => t.Name == "学生");
        var regular = e.TicketTypes.Single(t => t.Name == "一般");

        Assert.True(e.TryTakeSeats(student.Id, 2));
        Assert.False(e.TryTakeSeats(student.Id, 2));
        Assert.True(e.TryTakeSeats(student.Id, 1));
        Assert.False(e.TryTakeSeats(student.Id, 1));
        Assert.Equal(3, student.SeatsTaken);

        Assert.True(e.TryTakeSeats(regular.Id, 7));
        Assert.False(e.TryTakeSeats(regular.Id, 1));
        Assert.Equal(10, e.SeatsTaken);
        Assert.Equal(7, regular.SeatsTaken);
    }

    [Fact]
    public void TryTakeSeats_QuotaLargerThanTheSeatsLeft_StopsAtCapacity()
    {
        var e = new EventBuilder().WithCapacity(3).WithTicket(quota: 10).Published();
        Assert.False(e.TryTakeSeats(e.TicketTypes[0].Id, 4));
        Assert.True(e.TryTakeSeats(e.TicketTypes[0].Id, 3));
    }

    [Fact]
    public void ReleaseSeats_GivesSeatsBackButNeverGoesBelowZero()
    {
        var e = new EventBuilder().WithCapacity(5).Published();
        var ticket = e.TicketTypes[0];
        e.TryTakeSeats(ticket.Id, 2);

        e.ReleaseSeats(ticket.Id, 1);
        Assert.Equal(1, e.SeatsTaken);
        Assert.Equal(1, ticket.SeatsTaken);

        e.ReleaseSeats(ticket.Id, 5);
        Assert.Equal(0, e.SeatsTaken);
        Assert.Equal(0, ticket.SeatsTaken);
        Assert.Equal(5, e.SeatsLeft);
    }

    [Fact]
    public void UseLockedCounts_TakesTheLockedCountsAsTheTruth()
    {
        var e = new EventBuilder().WithCapacity(5).WithTicket(quota: 4).Published();
        var ticket = e.TicketTypes[0];
        e.UseLockedCounts(EventStatus.Published, 6, 5, ticket.Id, 4);
        Assert.Equal(6, e.Capacity);
        Assert.Equal(1, e.SeatsLeft);
        Assert.Equal(4, ticket.SeatsTaken);
        Assert.False(e.TryTakeSeats(ticket.Id, 1));
    }

    [Fact]
    public void OfferDeadline_WithNothingSooner_IsNowPlusOfferHours()
    {
        var e = new EventBuilder().With(d => d with { OfferHours = 24 }).Published();
        Assert.Equal(Now.AddHours(24), e.OfferDeadline(e.TicketTypes[0], Now));
    }

    [Fact]
    public void OfferDeadline_WhenSalesEndSooner_IsTheEndOfSales()
    {
        var e = new EventBuilder().WithTicket(salesEndAt: Now.AddHours(5)).Published();
        Assert.Equal(Now.AddHours(5), e.OfferDeadline(e.TicketTypes[0], Now));
    }

    [Fact]
    public void OfferDeadline_WhenTheEventStartsSooner_IsTheStart()
    {
        var startsAt = Now.AddHours(3);
        var e = new EventBuilder().StartingAt(startsAt).WithTicket(salesEndAt: Now.AddHours(10)).Published();
        Assert.Equal(startsAt, e.OfferDeadline(e.TicketTypes[0], Now));
    }

    [Fact]
    public void HoldDeadline_WithNothingSooner_IsNowPlusHoldMinutes()
    {
        var e = new EventBuilder().With(d => d with { HoldMinutes = 45 }).Published();
        Assert.Equal(Now.AddMinutes(45), e.HoldDeadline(Now));
    }

    [Fact]
    public void HoldDeadline_WhenTheEventStartsSooner_IsTheStart()
    {
        var startsAt = Now.AddMinutes(10);
        var e = new EventBuilder().StartingAt(startsAt).Published();
        Assert.Equal(startsAt, e.HoldDeadline(Now));
    }

    [Fact]
    public void AcceptsOffers_WhileOnSaleBeforeTheStart_IsTrue()
    {
        var e = new EventBuilder().Published();
        Assert.True(e.AcceptsOffers(e.TicketTypes[0], Now));
        Assert.True(e.AcceptsOffers(e.TicketTypes[0], Start.AddTicks(-1)));
    }

    [Fact]
    public void AcceptsOffers_AfterSalesClose_IsFalse()
    {
        var e = new EventBuilder().WithTicket(salesEndAt: Now.AddDays(1)).Published();
        Assert.True(e.AcceptsOffers(e.TicketTypes[0], Now.AddDays(1).AddTicks(-1)));
        Assert.False(e.AcceptsOffers(e.TicketTypes[0], Now.AddDays(1)));
    }

    [Fact]
    public void AcceptsOffers_OnceStarted_IsFalse()
    {
        var e = new EventBuilder().Published();
        Assert.False(e.AcceptsOffers(e.TicketTypes[0], Start));
    }

    [Fact]
    public void AcceptsOffers_WhenNotPublished_IsFalse()
    {
        var draft = new EventBuilder().Draft();
        Assert.False(draft.AcceptsOffers(draft.TicketTypes[0], Now));
        var cancelled = new EventBuilder().Published();
        cancelled.Cancel("中止", [], [], Now);
        Assert.False(cancelled.AcceptsOffers(cancelled.TicketTypes[0], Now));
    }

    [Fact]
    public void CanMemberCancel_UntilTheCancellationDeadline()
    {
        var e = new EventBuilder().With(d => d with { CancellationDeadlineHours = 48 }).Published();
        Assert.True(e.CanMemberCancel(Start.AddHours(-48).AddTicks(-1)));
        Assert.False(e.CanMemberCancel(Start.AddHours(-48)));
        Assert.False(e.CanMemberCancel(Start.AddHours(-1)));
    }

    [Fact]
    public void CanMemberCancel_WithNoDeadline_UntilTheStart()
    {
        var e = new EventBuilder().With(d => d with { CancellationDeadlineHours = 0 }).Published();
        Assert.True(e.CanMemberCancel(Start.AddTicks(-1)));
        Assert.False(e.CanMemberCancel(Start));
    }

    [Fact]
    public void ReturnSeats_OffersTheFreedSeatToTheFirstInLineOnly_AndRaisesTheOffer()
    {
        var e = new EventBuilder().WithCapacity(1).Published();
        var ticket = e.TicketTypes[0];
        Assert.True(e.TryTakeSeats(ticket.Id, 1));
        var first = WaitlistEntry.Join(e.Id, Guid.NewGuid(), ticket.Id, [], false, Now);
        var second = WaitlistEntry.Join(e.Id, Guid.NewGuid(), ticket.Id, [], false, Now.AddMinutes(1));

        e.ReturnSeats(ticket.Id, 1, [first, second], Now);

        Assert.Equal(WaitlistStatus.Offered, first.Status);
        Assert.Equal(WaitlistStatus.Waiting, second.Status);
        // The offer holds the seat: the public still sees the event as full.
        Assert.Equal(0, e.SeatsLeft);
        Assert.IsType<WaitlistOfferMade>(Assert.Single(first.DomainEvents));
    }

    [Fact]
    public void ReturnSeats_AfterTheStart_OffersNothing()
    {
        var e = new EventBuilder().WithCapacity(1).Published();
        var ticket = e.TicketTypes[0];
        Assert.True(e.TryTakeSeats(ticket.Id, 1));
        var waiting = WaitlistEntry.Join(e.Id, Guid.NewGuid(), ticket.Id, [], false, Now);

        e.ReturnSeats(ticket.Id, 1, [waiting], Start);

        Assert.Equal(WaitlistStatus.Waiting, waiting.Status);
        Assert.Equal(1, e.SeatsLeft);
    }

    [Fact]
    public void Cancel_EndsEveryActiveRegistration_ClosesTheWaitlist_AndReturnsThePaidOnesToRefund()
    {
        var e = new EventBuilder().WithCapacity(3).WithTicket(priceYen: 3000).Published();
        var ticket = e.TicketTypes[0];
        var paid = Registration.Start(e, EventBuilder.Attempt(e, ticketTypeId: ticket.Id), Now);
        Assert.True(paid.ConfirmPayment(Now));
        var held = Registration.Start(e, EventBuilder.Attempt(e, ticketTypeId: ticket.Id), Now);
        var waiting = WaitlistEntry.Join(e.Id, Guid.NewGuid(), ticket.Id, [], false, Now);

        var refunds = e.Cancel("講師急病のため", [paid, held], [waiting], Now).Value!;

        Assert.Equal([paid], refunds);
        Assert.All(new[] { paid, held }, r => Assert.Equal(RegistrationStatus.Cancelled, r.Status));
        Assert.Equal(WaitlistStatus.Closed, waiting.Status);
        Assert.Contains(paid.DomainEvents, d => d is RegistrationCancelled { EventCancelled: true });
        Assert.IsType<WaitlistClosed>(Assert.Single(waiting.DomainEvents));
        Assert.IsType<EventCancelled>(Assert.Single(e.DomainEvents));
    }
}
