using Microsoft.AspNetCore.Http.HttpResults;

namespace Assemble.Api.Common;

/// <summary>One page of a keyset-paginated list; pass <see cref="NextCursor"/> back as <c>cursor</c> for the next page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Opaque cursors over time-ordered (version 7) ids, and the <c>limit</c> rule shared by every list.</summary>
public static class Cursor
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static string Encode(Guid lastId) => Convert.ToBase64String(lastId.ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Reads <c>cursor</c> and <c>limit</c>; a bad value is a 400 naming the field.</summary>
    public static bool TryRead(string? cursor, int? limit, out Guid? after, out int take, out ProblemHttpResult? problem)
    {
        after = null;
        take = limit ?? DefaultLimit;
        problem = null;
        if (take is < 1 or > MaxLimit)
        {
            problem = Problems.InvalidField("limit", $"Use a limit from 1 to {MaxLimit}.");
            return false;
        }
        if (string.IsNullOrEmpty(cursor)) return true;
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - base64.Length % 4) % 4);
            var bytes = Convert.FromBase64String(base64);
            if (bytes.Length != 16) throw new FormatException();
            after = new Guid(bytes);
            return true;
        }
        catch (FormatException)
        {
            problem = Problems.InvalidField("cursor", "This cursor is not one this API gave out.");
            return false;
        }
    }

    /// <summary>Makes a page from <paramref name="take"/> + 1 fetched rows.</summary>
    public static Page<T> ToPage<T>(IReadOnlyList<T> rows, int take, Func<T, Guid> idOf)
        => rows.Count > take ? new Page<T>(rows.Take(take).ToList(), Encode(idOf(rows[take - 1]))) : new Page<T>(rows, null);
}
