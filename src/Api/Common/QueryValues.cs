using Microsoft.AspNetCore.Http.HttpResults;

namespace Assemble.Api.Common;

/// <summary>Reads enum values from query strings by name only (camelCase as in JSON, case-insensitive), never by number.</summary>
public static class QueryValues
{
    public static bool TryEnum<T>(string? value, string field, out T? parsed, out ProblemHttpResult? problem) where T : struct, Enum
    {
        parsed = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(value)) return true;
        if (!char.IsDigit(value.Trim()[0]) && Enum.TryParse<T>(value.Trim(), ignoreCase: true, out var v) && Enum.IsDefined(v))
        {
            parsed = v;
            return true;
        }
        problem = Problems.InvalidField(field, $"Unknown value '{Shorten(value)}'. Use one of: {string.Join(", ", Enum.GetNames<T>().Select(Camel))}.");
        return false;
    }

    /// <summary>An ILIKE pattern (escape character <c>\</c>) matching text that contains <paramref name="text"/> as typed: its own % and _ match only themselves.</summary>
    public static string Containing(string text) => "%" + text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";

    public static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string Shorten(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
