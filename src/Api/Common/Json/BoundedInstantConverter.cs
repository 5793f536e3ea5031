using System.Text.Json;
using System.Text.Json.Serialization;

namespace Assemble.Api.Common.Json;

/// <summary>
/// Every instant in a request body lies in 2000–2100: a year-1 start was once saved as <c>-infinity</c> and made
/// every later read of the event a 500. Instants the API writes are not restricted.
/// </summary>
public sealed class BoundedInstantConverter : JsonConverter<DateTimeOffset>
{
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Latest = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var value)) throw new JsonException();
        if (value < Earliest || value >= Latest) throw new JsonRuleException("Use an ISO 8601 instant between the years 2000 and 2099.");
        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
