using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Persistence.Notifications;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>Every domain event has one stored name and comes back from its record as it went in, amounts included.</summary>
public sealed class NotificationRecordTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<DomainEvent> Samples() =>
    [
        new RegistrationConfirmed(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), At, ConfirmedBy.LatePayment),
        new HoldCreated(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), At, At.AddMinutes(30), 3500),
        new HoldExpired(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), At),
        new ApplicationReceived(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), At),
        new ApplicationDeclined(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), At),
        new RegistrationCancelled(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), At, EventCancelled: true),
        new RegistrationRemoved(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), At, "重複申込"),
        new RefundRequested(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), At, 2500, 500, RefundReason.MemberCancelled),
        new RefundCompleted(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), At, 2500),
        new WaitlistOfferMade(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), At, At.AddHours(24)),
        new WaitlistOfferExpired(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), At),
        new WaitlistClosed(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), At),
        new EventChanged(Guid.NewGuid(), At, 3),
        new EventCancelled(Guid.NewGuid(), At),
    ];

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_record_reads_back_as_the_event_it_stored(DomainEvent raised)
    {
        var record = NotificationRecord.Of(raised);
        Assert.Equal(raised, record.Read());
        Assert.Equal(raised.EventId, record.EventId);
        Assert.Equal(raised.RecipientId, record.MemberId);
        Assert.Equal(raised.SubjectId, record.SubjectId);
    }

    [Fact]
    public void Every_domain_event_type_has_a_stored_name_and_a_sample()
    {
        var types = typeof(DomainEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(DomainEvent)) && !t.IsAbstract).ToHashSet();
        Assert.Equal(types.OrderBy(t => t.Name), NotificationTypes.Known.OrderBy(t => t.Name));
        Assert.Equal(types.OrderBy(t => t.Name), Samples().Select((object[] s) => s[0].GetType()).OrderBy(t => t.Name));
    }
}
