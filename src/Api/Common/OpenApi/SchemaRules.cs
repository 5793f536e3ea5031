using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Assemble.Api.Common.OpenApi;

/// <summary>
/// Schema fixes the generator cannot make on its own: it says what a property's type, nullability and presence
/// really are on the wire.
/// </summary>
public static class SchemaRules
{
    public static Task ApplyAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        var property = context.JsonPropertyInfo;

        // Strings and instants go through our own converters (CleanStringConverter, BoundedInstantConverter), which the
        // generator cannot see into: it would document them as "anything".
        if (type == typeof(string))
            schema.Type = JsonSchemaType.String | (property is not null && IsNullable(property) ? JsonSchemaType.Null : 0);
        else if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
        {
            schema.Type = JsonSchemaType.String | (type == typeof(DateTimeOffset?) ? JsonSchemaType.Null : 0);
            schema.Format = "date-time";
        }

        // Lists of strings and instants: the items go through the same converters and came out with no schema at all.
        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Enumerable && schema.Items is null or OpenApiSchema { Type: null })
        {
            if (context.JsonTypeInfo.ElementType == typeof(string)) schema.Items = new OpenApiSchema { Type = JsonSchemaType.String };
            else if (context.JsonTypeInfo.ElementType == typeof(DateTimeOffset)) schema.Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" };
        }

        // Enums travel as camelCase strings (JsonStringEnumConverter); say so, for generators that need a type.
        if ((Nullable.GetUnderlyingType(type) ?? type).IsEnum && schema.Enum is { Count: > 0 } && schema.Type is null)
            schema.Type = JsonSchemaType.String;

        // A field the handler insists on is refused when null, too.
        if (property is not null && HasRequiredAttribute(property))
        {
            if (schema.Type is { } nullable) schema.Type = nullable & ~JsonSchemaType.Null;
            schema.OneOf?.Where(s => s is OpenApiSchema { Type: JsonSchemaType.Null }).ToList().ForEach(s => schema.OneOf.Remove(s));
            schema.Enum?.Where(v => v is null || v.GetValueKind() == System.Text.Json.JsonValueKind.Null).ToList().ForEach(v => schema.Enum.Remove(v));
        }

        // The web defaults read "5" as 5, so the generator offers integer|string; we write and document numbers only.
        if (schema.Type is { } t && (t & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (t & JsonSchemaType.String) != 0)
        {
            schema.Type = t & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        // Also when the object is reached through a property (JsonPropertyInfo is then the referring property).
        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 })
            schema.Required = new HashSet<string>(context.JsonTypeInfo.Properties.Where(IsRequired).Select(p => p.Name), StringComparer.Ordinal);
        return Task.CompletedTask;
    }

    /// <summary>
    /// In a response, a property is always there unless it may be null (nulls are left out). In a request every field
    /// is nullable, so the handler can name each missing one in a 400; the ones it insists on carry [Required].
    /// </summary>
    public static bool IsRequired(JsonPropertyInfo property)
    {
        if (property.Get is null) return false;
        if (property.IsRequired || HasRequiredAttribute(property)) return true;
        if (IsNullable(property)) return false;
        return property.AssociatedParameter is not { HasDefaultValue: true };
    }

    private static bool IsNullable(JsonPropertyInfo property)
        => property.IsGetNullable || property.AssociatedParameter is { IsNullable: true };

    private static bool HasRequiredAttribute(JsonPropertyInfo property)
        => property.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true
           || property.AssociatedParameter?.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true;
}
