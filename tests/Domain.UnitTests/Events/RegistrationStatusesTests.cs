using Assemble.Domain.Events;
using Xunit;

namespace Assemble.Domain.UnitTests.Events;

public sealed class RegistrationStatusesTests
{
    [Fact]
    public void Active_IsAwaitingApprovalAwaitingPaymentOrConfirmed()
        => Assert.Equal([RegistrationStatus.PendingApproval, RegistrationStatus.PendingPayment, RegistrationStatus.Confirmed], RegistrationStatuses.Active);

    [Fact]
    public void IsActive_AgreesWithTheList()
    {
        foreach (var status in Enum.GetValues<RegistrationStatus>())
            Assert.Equal(RegistrationStatuses.Active.Contains(status), RegistrationStatuses.IsActive(status));
    }

    [Fact]
    public void ActiveRegistration_AsAFilterInMemory_AgreesWithIsActive()
    {
        var filter = RegistrationStatuses.ActiveRegistration.Compile();
        var free = new EventBuilder().Published();
        var paid = new EventBuilder().WithTicket(priceYen: 3000).Published();
        var cohort = new EventBuilder().WithKind(EventKind.CoachingCohort).RequiringApproval().Published();
        var cancelled = Registration.Start(free, EventBuilder.Attempt(free), EventBuilder.Now);
        Assert.True(cancelled.Cancel(free, EventBuilder.Now).IsSuccess);
        Registration[] registrations =
        [
            Registration.Start(free, EventBuilder.Attempt(free), EventBuilder.Now),
            Registration.Start(paid, EventBuilder.Attempt(paid), EventBuilder.Now),
            Registration.Start(cohort, EventBuilder.Attempt(cohort), EventBuilder.Now),
            cancelled,
        ];
        Assert.Equal(4, registrations.Select(r => r.Status).Distinct().Count());
        foreach (var r in registrations) Assert.Equal(r.IsActive, filter(r));
    }
}
