using System.Collections.Concurrent;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;

namespace Assemble.Api.Common.OpenApi;

/// <summary>
/// Gives every schema a name that says what it is, by three rules:
/// <list type="bullet">
/// <item>A nested type carries its owner's subject (<c>RegisterForEvent.Request</c> is <c>RegisterForEventRequest</c>),
/// unless its own name already says it (<c>ListMoneyProblems.MoneyProblem</c> stays <c>MoneyProblem</c>).</item>
/// <item>The subject is what the owner is about: a read drops its verb (<c>ListAuditLog.Item</c> is
/// <c>AuditLogItem</c>), and who serves the types is no part of what they are (<c>ReminderEndpoints.RulesRequest</c>
/// is <c>ReminderRulesRequest</c>, <c>OutboxAdmin.OutboxEmailView</c> is <c>OutboxEmailView</c>).</item>
/// <item>A page is named after its item: <c>Page&lt;ListAuditLog.Item&gt;</c> is <c>AuditLogPage</c>,
/// <c>Page&lt;RegistrationView&gt;</c> is <c>RegistrationPage</c>.</item>
/// </list>
/// The generator stores schemas by name, so two types under one name
/// would silently document one as the other: that stops the document with an exception instead.
/// </summary>
public sealed class SchemaNames
{
    private static readonly string[] ReadVerbs = ["List", "Get", "Search"];
    private static readonly string[] ServedBy = ["Endpoints", "Admin"];

    private readonly ConcurrentDictionary<string, Type> _owners = new();

    public string? For(JsonTypeInfo info)
    {
        if (OpenApiOptions.CreateDefaultSchemaReferenceId(info) is null) return null;
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        var name = NameOf(type);
        var owner = _owners.GetOrAdd(name, type);
        if (owner != type)
            throw new InvalidOperationException($"The OpenAPI schema name '{name}' would stand for both {owner.FullName} and {type.FullName}: rename one of them.");
        return name;
    }

    public static string NameOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsGenericType)
        {
            var arguments = type.GetGenericArguments();
            if (type.GetGenericTypeDefinition() == typeof(Page<>)) return WithoutSuffix(NameOf(arguments[0]), "Item", "View") + "Page";
            var definition = type.Name[..type.Name.IndexOf('`')];
            return string.Concat(arguments.Select(NameOf)) + definition;
        }
        if (type.DeclaringType is not { } owner) return type.Name;
        var subject = SubjectOf(owner);
        return type.Name.Contains(subject, StringComparison.Ordinal) || type.Name.Contains(Singular(subject), StringComparison.Ordinal)
            ? type.Name
            : subject + type.Name;
    }

    /// <summary>What an owning class is about: <c>ListAuditLog</c> → <c>AuditLog</c>, <c>ReminderEndpoints</c> → <c>Reminder</c>.</summary>
    private static string SubjectOf(Type owner)
    {
        var name = NameOf(owner);
        foreach (var verb in ReadVerbs)
            if (name.Length > verb.Length && name.StartsWith(verb, StringComparison.Ordinal) && char.IsUpper(name[verb.Length]))
                name = name[verb.Length..];
        return WithoutSuffix(name, ServedBy);
    }

    private static string WithoutSuffix(string name, params string[] suffixes)
    {
        foreach (var suffix in suffixes)
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal)) return name[..^suffix.Length];
        return name;
    }

    private static string Singular(string noun)
        => noun.EndsWith("ies", StringComparison.Ordinal) ? noun[..^3] + "y"
            : noun.EndsWith('s') ? noun[..^1]
            : noun;
}
