using System.Linq.Expressions;
using Assemble.Domain.Common;

namespace Assemble.Domain.Events;

/// <summary>
/// Room in a pool of seats (an event's capacity, a ticket type's quota): what is left is the size less what is
/// taken, never below zero, and a request fits while it asks for no more than that. A seat counts against the event
/// and its ticket type, so a registration fits when it fits in both. Written once, as an expression: compiled for
/// memory, applied to <see cref="Event"/> for EF; the SQL copies (<c>RuleSql</c>, the CHECK constraints on the
/// counters) are pinned to it by a test.
/// </summary>
public static class SeatRoom
{
    private static readonly Expression<Func<int, int, int>> LeftRule = (size, taken) => Math.Max(0, size - taken);
    private static readonly Func<int, int, int> LeftCompiled = LeftRule.Compile();

    public static int Left(int size, int taken) => LeftCompiled(size, taken);

    public static bool Fits(int size, int taken, int quantity) => quantity <= Left(size, taken);

    /// <summary>Whether <paramref name="quantity"/> seats fit in the event's capacity and in the ticket type's quota (none: the capacity alone).</summary>
    public static bool Fits(int capacity, int taken, int? quota, int typeTaken, int quantity)
        => Fits(capacity, taken, quantity) && (quota is not { } q || Fits(q, typeTaken, quantity));

    /// <summary>
    /// Whether a ticket type's seats come from the event's capacity alone, with no approval step: its seat is then
    /// decided by one guarded statement, and an event kept in memory may be checked against (the one-pool path).
    /// </summary>
    public static bool OnePool(bool requiresApproval, int? quota) => !requiresApproval && quota is null;

    /// <summary>Events with room for one more seat (<paramref name="room"/> true) or sold out, as a filter EF translates.</summary>
    public static Expression<Func<Event, bool>> EventsWithRoom(bool room)
    {
        var e = Expression.Parameter(typeof(Event), "e");
        var left = RuleExpression.Apply(LeftRule, Expression.Property(e, nameof(Event.Capacity)), Expression.Property(e, nameof(Event.SeatsTaken)));
        Expression fitsOne = Expression.LessThanOrEqual(Expression.Constant(1), left);
        return Expression.Lambda<Func<Event, bool>>(room ? fitsOne : Expression.Not(fitsOne), e);
    }
}
