using System.Linq.Expressions;
using Assemble.Domain.Common;

namespace Assemble.Domain.Credentials;

/// <summary>
/// A credential counts on a day while it is verified and its expiry date, if it has one, is that day or later.
/// Written once, as an expression: compiled for memory (<see cref="Holds"/>), applied to the entity for EF
/// (<see cref="On"/>). The SQL that repeats it (<c>RuleSql.CredentialValidOn</c>) is pinned to it by a test.
/// </summary>
public static class CredentialValidity
{
    private static readonly Expression<Func<CredentialStatus, DateOnly?, DateOnly, bool>> Rule =
        (status, expiresOn, today) => status == CredentialStatus.Verified && (expiresOn == null || expiresOn >= today);

    private static readonly Func<CredentialStatus, DateOnly?, DateOnly, bool> Compiled = Rule.Compile();

    public static bool Holds(CredentialStatus status, DateOnly? expiresOn, DateOnly today) => Compiled(status, expiresOn, today);

    /// <summary>Whether an expiry date has passed on <paramref name="today"/>: a verified credential with it would not count.</summary>
    public static bool HasLapsed(DateOnly? expiresOn, DateOnly today) => !Holds(CredentialStatus.Verified, expiresOn, today);

    /// <summary>The rule as a filter EF translates; <paramref name="today"/> becomes a query parameter.</summary>
    public static Expression<Func<Credential, bool>> On(DateOnly today)
    {
        var credential = Expression.Parameter(typeof(Credential), "c");
        Expression<Func<DateOnly>> day = () => today;
        var body = RuleExpression.Apply(Rule,
            Expression.Property(credential, nameof(Credential.Status)),
            Expression.Property(credential, nameof(Credential.ExpiresOn)),
            day.Body);
        return Expression.Lambda<Func<Credential, bool>>(body, credential);
    }
}
