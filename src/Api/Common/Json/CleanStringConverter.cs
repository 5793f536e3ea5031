using System.Text.Json;
using System.Text.Json.Serialization;

namespace Assemble.Api.Common.Json;

/// <summary>
/// Every string in every request body: NUL and other control characters are refused before anything is written
/// (PostgreSQL refuses NUL in text, which made them 500s). Tabs and line breaks pass here; fields that must be one
/// line refuse them in the Domain (<c>SingleLineText</c>).
/// </summary>
public sealed class CleanStringConverter : JsonConverter<string>
{
    public const string Problem = "Remove control characters (NUL and the like); only tabs and line breaks are allowed.";

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException();
        var value = reader.GetString()!;
        if (!IsClean(value)) throw new JsonRuleException(Problem);
        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public static bool IsClean(string value)
    {
        foreach (var c in value)
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r')) return false;
        return true;
    }
}
