using System.Linq.Expressions;

namespace Assemble.Domain.Common;

/// <summary>
/// Applies a rule written once as an expression to other arguments (an entity's properties, a query's parameter),
/// so that EF can translate the very rule the domain runs compiled in memory.
/// </summary>
internal static class RuleExpression
{
    public static Expression Apply(LambdaExpression rule, params Expression[] arguments)
    {
        if (arguments.Length != rule.Parameters.Count) throw new ArgumentException("One argument per parameter of the rule.", nameof(arguments));
        return new Substitution(rule.Parameters, arguments).Visit(rule.Body);
    }

    private sealed class Substitution(IReadOnlyList<ParameterExpression> parameters, IReadOnlyList<Expression> arguments) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node)
        {
            for (var i = 0; i < parameters.Count; i++)
                if (parameters[i] == node) return arguments[i];
            return node;
        }
    }
}
