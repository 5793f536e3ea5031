using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Xunit;

namespace Assemble.Domain.UnitTests.Events;

/// <summary>What each change raises, carrying what its notice needs (the notifier reads nothing else from it).</summary>
public sealed class RaisedEventsTests
{
    private static readonly DateTimeOffset Now = EventBuilder.Now;

    private static Registration Register(Event e) => Registration.Start(e, EventBuilder.Attempt(e), Now);

    private static T Last<T>(AggregateRoot aggregate) where T : DomainEvent => Assert.IsType<T>(aggregate.DomainEvents[^1]);

    [Fact]
    public void Start_Free_RaisesConfirmedForTheMember()
    {
        var e = new EventBuilder().Published();
        var r = Register(e);
        var raised = Assert.IsType<RegistrationConfirmed>(Assert.Single(r.DomainEvents));
        Assert.Equal((e.Id, r.MemberId, r.Id, ConfirmedBy.Registration), (raised.EventId, raised.MemberId, raised.RegistrationId, raised.By));
        Assert.Equal(r.MemberId, raised.RecipientId);
    }

    [Fact]
    public void Start_Paid_RaisesTheHoldWithItsDeadlineAndAmount()
    {
        var e = new EventBuilder().WithTicket(priceYen: 3000).Published();
        var r = Register(e);
        var hold = Assert.IsType<HoldCreated>(Assert.Single(r.DomainEvents));
        Assert.Equal(r.HoldExpiresAt, hold.ExpiresAt);
        Assert.Equal(3000, hold.AmountYen);
    }

    [Fact]
    public void Start_ApprovalEvent_RaisesTheApplication_AndApprovalRaisesTheHold()
    {
        var e = new EventBuilder().WithKind(EventKind.CoachingCohort).RequiringApproval().WithTicket(priceYen: 5000).Published();
        var r = Register(e);
        Assert.IsType<ApplicationReceived>(Assert.Single(r.DomainEvents));
        Assert.True(r.Approve(e, Now).IsSuccess);
        Assert.Equal(5000, Last<HoldCreated>(r).AmountYen);
    }

    [Fact]
    public void Decline_Cancel_Remove_And_Expiry_Each_RaiseTheirOwnNotice()
    {
        var approval = new EventBuilder().WithKind(EventKind.CoachingCohort).RequiringApproval().Published();
        var declined = Register(approval);
        Assert.True(declined.Decline("定員のため", Now).IsSuccess);
        Last<ApplicationDeclined>(declined);

        var free = new EventBuilder().Published();
        var cancelled = Register(free);
        Assert.True(cancelled.Cancel(free, Now).IsSuccess);
        Assert.False(Last<RegistrationCancelled>(cancelled).EventCancelled);

        var removed = Register(free);
        Assert.True(removed.Remove(free, "  重複申込  ", Now).IsSuccess);
        Assert.Equal("重複申込", Last<RegistrationRemoved>(removed).Reason);

        var paid = new EventBuilder().WithTicket(priceYen: 3000).Published();
        var held = Register(paid);
        Assert.True(held.ExpireHold(held.HoldExpiresAt!.Value));
        Last<HoldExpired>(held);
    }

    [Fact]
    public void A_change_that_is_refused_raises_nothing()
    {
        var e = new EventBuilder().Published();
        var r = Register(e);
        r.ClearDomainEvents();
        Assert.False(r.Approve(e, Now).IsSuccess);
        Assert.False(r.Remove(e, " ", Now).IsSuccess);
        Assert.Empty(r.DomainEvents);
    }

    [Fact]
    public void Payment_RaisesConfirmedByPayment_AndALatePaymentSaysSo()
    {
        var e = new EventBuilder().WithTicket(priceYen: 3000).Published();
        var r = Register(e);
        Assert.True(r.ConfirmPayment(Now));
        Assert.Equal(ConfirmedBy.Payment, Last<RegistrationConfirmed>(r).By);

        var late = Register(e);
        Assert.True(late.ExpireHold(late.HoldExpiresAt!.Value));
        Assert.True(late.ConfirmLatePayment(Now.AddHours(1)));
        Assert.Equal(ConfirmedBy.LatePayment, Last<RegistrationConfirmed>(late).By);
    }

    [Fact]
    public void An_offer_raises_its_deadline_and_its_expiry_raises_the_lapse()
    {
        var e = new EventBuilder().Published();
        var entry = WaitlistEntry.Join(e.Id, Guid.NewGuid(), e.TicketTypes[0].Id, [], false, Now);
        entry.Offer(Now.AddHours(24), Now);
        Assert.Equal(Now.AddHours(24), Last<WaitlistOfferMade>(entry).ExpiresAt);
        Assert.True(entry.ExpireOffer(Now.AddHours(24)));
        Last<WaitlistOfferExpired>(entry);
    }

    [Fact]
    public void Editing_a_published_event_raises_a_change_and_a_draft_raises_none()
    {
        var draft = new EventBuilder().Draft();
        var published = new EventBuilder().Published();
        published.ClearDomainEvents();
        Assert.True(draft.Update(EventBuilder.Details(), Now).IsSuccess);
        Assert.True(published.Update(EventBuilder.Details(), Now).IsSuccess);
        Assert.Empty(draft.DomainEvents);
        Assert.Equal(published.Sequence, Last<EventChanged>(published).Sequence);
    }
}
