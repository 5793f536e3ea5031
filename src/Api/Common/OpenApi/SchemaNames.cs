using System.Collections.Concurrent;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;

namespace Assemble.Api.Common.OpenApi;

/// <summary>
/// Gives every schema a name that says what it is: a nested type carries its use case (<c>RegisterForEvent.Request</c>
/// is <c>RegisterForEventRequest</c>), a page its item (<c>Page&lt;ListAuditLog.Item&gt;</c> is <c>ListAuditLogItemPage</c>).
/// The generator stores schemas by name, so two types under one name would silently document one as the other: that
/// stops the document with an exception instead.
/// </summary>
public sealed class SchemaNames
{
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
            var arguments = string.Concat(type.GetGenericArguments().Select(NameOf));
            var definition = type.Name[..type.Name.IndexOf('`')];
            return arguments + definition;
        }
        return type.DeclaringType is { } owner && !type.Name.StartsWith(owner.Name, StringComparison.Ordinal)
            ? NameOf(owner) + type.Name
            : type.Name;
    }
}
