using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence;

/// <summary>Small value lists (speakers, questions, answers) stored as jsonb, compared by content for change tracking.</summary>
public static class JsonColumn
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static PropertyBuilder<List<T>> AsJson<T>(this PropertyBuilder<List<T>> property)
        => property
            .HasColumnType("jsonb")
            .HasConversion(
                v => JsonSerializer.Serialize(v, Options),
                v => JsonSerializer.Deserialize<List<T>>(v, Options) ?? new List<T>(),
                new ValueComparer<List<T>>(
                    (a, b) => JsonSerializer.Serialize(a, Options) == JsonSerializer.Serialize(b, Options),
                    v => JsonSerializer.Serialize(v, Options).GetHashCode(),
                    v => JsonSerializer.Deserialize<List<T>>(JsonSerializer.Serialize(v, Options), Options)!));

    /// <summary>One small immutable value (a record with value equality) as jsonb.</summary>
    public static PropertyBuilder<T?> AsJsonValue<T>(this PropertyBuilder<T?> property) where T : class
        => property
            .HasColumnType("jsonb")
            .HasConversion(v => JsonSerializer.Serialize(v, Options), v => JsonSerializer.Deserialize<T>(v, Options));

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
