using System.Linq.Expressions;
using Assemble.Domain.Common;

namespace Assemble.Domain.Memberships;

/// <summary>
/// The days a payment of dues covers, both ends included (dates in Japan). Whether a period covers a day is written
/// once, as an expression: compiled for memory (<see cref="Covers"/>), applied to the payment for EF
/// (<see cref="ActiveOn"/>). The SQL that repeats it (<c>RuleSql.MembershipActiveOn</c>) is pinned to it by a test.
/// </summary>
public sealed record MembershipPeriod(DateOnly StartsOn, DateOnly EndsOn)
{
    private static readonly Expression<Func<DateOnly, DateOnly, DateOnly, bool>> Rule =
        (startsOn, endsOn, day) => startsOn <= day && day <= endsOn;

    private static readonly Func<DateOnly, DateOnly, DateOnly, bool> Compiled = Rule.Compile();

    public bool Covers(DateOnly day) => Compiled(StartsOn, EndsOn, day);

    /// <summary>The payments whose period covers <paramref name="day"/>, as a filter EF translates: a member with one is active that day.</summary>
    public static Expression<Func<MembershipPayment, bool>> ActiveOn(DateOnly day)
    {
        var payment = Expression.Parameter(typeof(MembershipPayment), "p");
        Expression<Func<DateOnly>> captured = () => day;
        var body = RuleExpression.Apply(Rule,
            Expression.Property(payment, nameof(MembershipPayment.StartsOn)),
            Expression.Property(payment, nameof(MembershipPayment.EndsOn)),
            captured.Body);
        return Expression.Lambda<Func<MembershipPayment, bool>>(body, payment);
    }
}
