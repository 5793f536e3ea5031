using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Assemble.Api.Common.Json;

/// <summary>A request field that may span lines (descriptions, notes, bios, message bodies, reasons, answers).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AllowLineBreaksAttribute : Attribute;

/// <summary>
/// Every string field of our request bodies is one line unless it says otherwise (<see cref="AllowLineBreaksAttribute"/>):
/// a name, a registration number or a URL with a line break in it is a 400 naming the field, like a control character
/// (which <see cref="CleanStringConverter"/> refuses everywhere).
/// </summary>
public static class SingleLineStrings
{
    public const string Problem = "One line only: remove the line breaks.";

    public static void Apply(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || info.Type.Namespace?.StartsWith("Assemble.", StringComparison.Ordinal) != true) return;
        foreach (var property in info.Properties)
            if (property.PropertyType == typeof(string) && property.AttributeProvider?.IsDefined(typeof(AllowLineBreaksAttribute), inherit: true) != true)
                property.CustomConverter = Converter.Instance;
    }

    private sealed class Converter : JsonConverter<string>
    {
        public static readonly Converter Instance = new();

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException();
            var value = reader.GetString()!;
            if (!CleanStringConverter.IsClean(value)) throw new JsonRuleException(CleanStringConverter.Problem);
            if (value.AsSpan().IndexOfAny('\r', '\n') >= 0) throw new JsonRuleException(Problem);
            return value;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
