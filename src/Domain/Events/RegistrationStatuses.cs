using System.Linq.Expressions;

namespace Assemble.Domain.Events;

/// <summary>
/// The statuses in which a registration is active: it holds (or waits for) a seat, blocks the member's second
/// registration for the event, can be cancelled and can be reminded. This list is the one definition; EF filters
/// are built from it, and the SQL copies (<c>RuleSql.ActiveStatuses</c>, the one-active-registration index) are
/// pinned to it by tests.
/// </summary>
public static class RegistrationStatuses
{
    public static readonly IReadOnlyList<RegistrationStatus> Active =
        [RegistrationStatus.PendingApproval, RegistrationStatus.PendingPayment, RegistrationStatus.Confirmed];

    public static bool IsActive(RegistrationStatus status)
    {
        foreach (var s in Active)
            if (s == status) return true;
        return false;
    }

    /// <summary>Active registrations, as a filter EF translates to <c>status IN (…)</c> with the statuses inlined (as the partial index is written).</summary>
    public static readonly Expression<Func<Registration, bool>> ActiveRegistration = BuildActiveFilter();

    private static Expression<Func<Registration, bool>> BuildActiveFilter()
    {
        var registration = Expression.Parameter(typeof(Registration), "r");
        var status = Expression.Property(registration, nameof(Registration.Status));
        var anyOf = Active.Select(s => (Expression)Expression.Equal(status, Expression.Constant(s))).Aggregate(Expression.OrElse);
        return Expression.Lambda<Func<Registration, bool>>(anyOf, registration);
    }
}
