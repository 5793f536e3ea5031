using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Xunit;

namespace Assemble.Domain.UnitTests.Events;

public sealed class WaitlistEntryTests
{
    private static readonly DateTimeOffset Now = EventBuilder.Now;
    private static readonly DateTimeOffset Deadline = Now.AddHours(24);

    private static WaitlistEntry Waiting(IReadOnlyList<Answer>? answers = null)
        => WaitlistEntry.Join(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), answers ?? [], pledgeAccepted: false, Now);

    private static WaitlistEntry Offered()
    {
        var entry = Waiting();
        entry.Offer(Deadline, Now.AddHours(1));
        return entry;
    }

    [Fact]
    public void Join_IsWaitingWithTheAnswersAndPledge()
    {
        var answer = new Answer(Guid.NewGuid(), "よろしくお願いします", null);
        var entry = WaitlistEntry.Join(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), [answer], pledgeAccepted: true, Now);
        Assert.Equal(WaitlistStatus.Waiting, entry.Status);
        Assert.True(entry.IsOpen);
        Assert.Equal(Now, entry.JoinedAt);
        Assert.Equal([answer], entry.Answers);
        Assert.True(entry.PledgeAccepted);
        Assert.Null(entry.OfferExpiresAt);
    }

    [Fact]
    public void Offer_WhenWaiting_HoldsTheSeatUntilTheDeadline()
    {
        var entry = Waiting();
        entry.Offer(Deadline, Now.AddHours(1));
        Assert.Equal(WaitlistStatus.Offered, entry.Status);
        Assert.Equal(Now.AddHours(1), entry.OfferedAt);
        Assert.Equal(Deadline, entry.OfferExpiresAt);
        Assert.True(entry.IsOpen);
    }

    [Fact]
    public void Offer_WhenAlreadyOffered_Throws()
        => Assert.Throws<InvalidOperationException>(() => Offered().Offer(Deadline.AddHours(1), Now.AddHours(2)));

    [Fact]
    public void Offer_WhenNoLongerWaiting_Throws()
    {
        var entry = Waiting();
        entry.Leave(Now);
        Assert.Throws<InvalidOperationException>(() => entry.Offer(Deadline, Now));
        Assert.Equal(WaitlistStatus.Left, entry.Status);
    }

    [Fact]
    public void Accept_BeforeTheDeadline_Accepts()
    {
        var entry = Offered();
        Assert.True(entry.Accept(Deadline.AddTicks(-1)).IsSuccess);
        Assert.Equal(WaitlistStatus.Accepted, entry.Status);
        Assert.Equal(Deadline.AddTicks(-1), entry.RespondedAt);
        Assert.False(entry.IsOpen);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(60)]
    public void Accept_AtOrAfterTheDeadline_ReturnsOfferNotOpen(int minutesLate)
    {
        var entry = Offered();
        var result = entry.Accept(Deadline.AddMinutes(minutesLate));
        Assert.Equal("waitlist.offer_not_open", result.Error!.Code);
        Assert.Equal(ErrorKind.Conflict, result.Error.Kind);
        Assert.Equal(WaitlistStatus.Offered, entry.Status);
        Assert.Null(entry.RespondedAt);
    }

    [Fact]
    public void Accept_WithoutAnOffer_ReturnsOfferNotOpen()
        => Assert.Equal("waitlist.offer_not_open", Waiting().Accept(Now).Error!.Code);

    [Fact]
    public void Accept_Twice_ReturnsOfferNotOpen()
    {
        var entry = Offered();
        entry.Accept(Now.AddHours(2));
        Assert.Equal("waitlist.offer_not_open", entry.Accept(Now.AddHours(3)).Error!.Code);
        Assert.Equal(Now.AddHours(2), entry.RespondedAt);
    }

    [Fact]
    public void Decline_WhenOffered_Declines()
    {
        var entry = Offered();
        Assert.True(entry.Decline(Now.AddHours(2)).IsSuccess);
        Assert.Equal(WaitlistStatus.Declined, entry.Status);
        Assert.Equal(Now.AddHours(2), entry.RespondedAt);
        Assert.False(entry.IsOpen);
    }

    [Fact]
    public void Decline_WithoutAnOffer_ReturnsOfferNotOpen()
    {
        var entry = Waiting();
        Assert.Equal("waitlist.offer_not_open", entry.Decline(Now).Error!.Code);
        Assert.Equal(WaitlistStatus.Waiting, entry.Status);
    }

    [Fact]
    public void ExpireOffer_BeforeTheDeadline_DoesNothing()
    {
        var entry = Offered();
        Assert.False(entry.ExpireOffer(Deadline.AddTicks(-1)));
        Assert.Equal(WaitlistStatus.Offered, entry.Status);
    }

    [Fact]
    public void ExpireOffer_OnceDue_ExpiresOnlyOnce()
    {
        var entry = Offered();
        Assert.True(entry.ExpireOffer(Deadline));
        Assert.Equal(WaitlistStatus.Expired, entry.Status);
        Assert.Equal(Deadline, entry.RespondedAt);
        Assert.False(entry.IsOpen);
        Assert.False(entry.ExpireOffer(Deadline.AddHours(1)));
        Assert.Equal(Deadline, entry.RespondedAt);
    }

    [Fact]
    public void ExpireOffer_WithoutAnOffer_DoesNothing()
    {
        var waiting = Waiting();
        Assert.False(waiting.ExpireOffer(Now.AddDays(30)));
        Assert.Equal(WaitlistStatus.Waiting, waiting.Status);

        var accepted = Offered();
        accepted.Accept(Now.AddHours(2));
        Assert.False(accepted.ExpireOffer(Deadline.AddHours(1)));
        Assert.Equal(WaitlistStatus.Accepted, accepted.Status);
    }

    [Fact]
    public void Leave_WhenWaiting_Leaves()
    {
        var entry = Waiting();
        Assert.True(entry.Leave(Now.AddHours(1)).IsSuccess);
        Assert.Equal(WaitlistStatus.Left, entry.Status);
        Assert.Equal(Now.AddHours(1), entry.RespondedAt);
        Assert.False(entry.IsOpen);
    }

    [Fact]
    public void Leave_WhenOffered_Leaves()
    {
        var entry = Offered();
        Assert.True(entry.Leave(Now.AddHours(2)).IsSuccess);
        Assert.Equal(WaitlistStatus.Left, entry.Status);
    }

    [Fact]
    public void Leave_Twice_ReturnsNotWaiting()
    {
        var entry = Waiting();
        entry.Leave(Now);
        var result = entry.Leave(Now.AddHours(1));
        Assert.Equal("waitlist.not_waiting", result.Error!.Code);
        Assert.Equal(ErrorKind.NotFound, result.Error.Kind);
        Assert.Equal(Now, entry.RespondedAt);
    }

    [Fact]
    public void Leave_AfterAccepting_ReturnsNotWaiting()
    {
        var entry = Offered();
        entry.Accept(Now.AddHours(2));
        Assert.Equal("waitlist.not_waiting", entry.Leave(Now.AddHours(3)).Error!.Code);
        Assert.Equal(WaitlistStatus.Accepted, entry.Status);
    }

    [Fact]
    public void Close_WhenWaitingOrOffered_Closes()
    {
        var waiting = Waiting();
        var offered = Offered();
        waiting.Close(Now.AddHours(5));
        offered.Close(Now.AddHours(5));
        Assert.Equal(WaitlistStatus.Closed, waiting.Status);
        Assert.Equal(WaitlistStatus.Closed, offered.Status);
        Assert.Equal(Now.AddHours(5), waiting.RespondedAt);
        Assert.False(offered.IsOpen);
    }

    [Fact]
    public void Close_WhenAlreadyEnded_ChangesNothing()
    {
        var declined = Offered();
        declined.Decline(Now.AddHours(2));
        declined.Close(Now.AddHours(5));
        Assert.Equal(WaitlistStatus.Declined, declined.Status);
        Assert.Equal(Now.AddHours(2), declined.RespondedAt);
    }
}
