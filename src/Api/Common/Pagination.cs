using Microsoft.AspNetCore.Http.HttpResults;

namespace Assemble.Api.Common;

/// <summary>One page of a keyset-paginated list; pass <see cref="NextCursor"/> back as <c>cursor</c> for the next page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Opaque cursors over time-ordered (version 7) ids, and the <c>limit</c> rule shared by every list.</summary>
public static class Cursor
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>Any cursor that does not decode to one of ours.</summary>
    public static ProblemHttpResult InvalidCursor => Problems.InvalidField("cursor", "This cursor is not one this API gave out.", "request.invalid_cursor");

    public static string Encode(Guid lastId) => ToBase64Url(lastId.ToByteArray());

    /// <summary>A cursor for lists ordered by an instant, then id.</summary>
    public static string Encode(DateTimeOffset at, Guid lastId) => ToBase64Url([.. BitConverter.GetBytes(at.UtcTicks), .. lastId.ToByteArray()]);

    /// <summary>Reads a cursor made by <see cref="Encode(DateTimeOffset, Guid)"/> and the limit.</summary>
    public static bool TryReadTimed(string? cursor, int? limit, out (DateTimeOffset At, Guid Id)? after, out int take, out ProblemHttpResult? problem)
    {
        after = null;
        if (!TryRead(null, limit, out Guid? _, out take, out problem)) return false;
        if (string.IsNullOrEmpty(cursor)) return true;
        var bytes = FromBase64Url(cursor);
        // A forged cursor of the right length can carry any ticks: only instants this API could have written pass.
        if (bytes is not { Length: 24 } || BitConverter.ToInt64(bytes, 0) is var ticks && (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks))
        {
            problem = InvalidCursor;
            return false;
        }
        after = (new DateTimeOffset(ticks, TimeSpan.Zero), new Guid(bytes.AsSpan(8)));
        return true;
    }

    private static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string value)
    {
        var base64 = value.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - base64.Length % 4) % 4);
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }

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
        if (FromBase64Url(cursor) is not { Length: 16 } bytes)
        {
            problem = InvalidCursor;
            return false;
        }
        after = new Guid(bytes);
        return true;
    }

    /// <summary>Makes a page from <paramref name="take"/> + 1 fetched rows.</summary>
    public static Page<T> ToPage<T>(IReadOnlyList<T> rows, int take, Func<T, Guid> idOf)
        => rows.Count > take ? new Page<T>(rows.Take(take).ToList(), Encode(idOf(rows[take - 1]))) : new Page<T>(rows, null);
}
