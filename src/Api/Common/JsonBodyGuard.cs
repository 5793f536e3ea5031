using System.Text.Json;

namespace Assemble.Api.Common;

/// <summary>
/// Every JSON request body is read once, before binding, against the limits that hold for every field whatever its
/// own rules: at most <see cref="MaxBodyBytes"/> in all, no <c>null</c> element in a list (<c>"ticketTypes": [null]</c>
/// reached the handlers and was a 500), at most <see cref="MaxItems"/> items in a list and <see cref="MaxChars"/>
/// characters in a string. The first breach is a 400 naming its place (<c>ticketTypes[1]</c>); each field's own,
/// smaller limits stay in the Domain. Bodies that are not JSON, or not well formed, are left to the binder's 400;
/// Stripe's webhook is read as raw bytes for its signature and is never touched.
/// </summary>
public static class JsonBodyGuard
{
    public const int MaxBodyBytes = 1024 * 1024;
    public const int MaxItems = 1000;
    public const int MaxChars = 20_000;

    public static IApplicationBuilder UseJsonBodyGuard(this IApplicationBuilder app)
        => app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (request.ContentLength == 0 || !request.HasJsonContentType() || request.Path.StartsWithSegments("/api/payments/stripe/webhook"))
            {
                await next(context);
                return;
            }
            if (request.ContentLength > MaxBodyBytes)
            {
                await TooLarge().ExecuteAsync(context);
                return;
            }
            // Read once into memory and hand the binder that copy: no second buffer, no file spill-over.
            var length = (int)(request.ContentLength ?? 0);
            using var buffer = new MemoryStream(length > 0 ? length : 1024); // the binder reads it; disposed after the request
            var chunk = new byte[length is > 0 and < 16 * 1024 ? length : 16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    await TooLarge().ExecuteAsync(context);
                    return;
                }
                buffer.Write(chunk, 0, read);
            }
            buffer.Position = 0;
            request.Body = buffer;
            if (FirstBreach(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is { } breach)
            {
                await Problems.InvalidField(breach.Place, breach.Message, "request.malformed").ExecuteAsync(context);
                return;
            }
            await next(context);
        });

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge()
    {
        var problem = Problems.InvalidField("body", $"At most {MaxBodyBytes / 1024} KiB.", "request.too_large");
        problem.ProblemDetails.Status = StatusCodes.Status413PayloadTooLarge;
        problem.ProblemDetails.Title = Problems.TitleOf(413);
        return TypedResults.Problem(problem.ProblemDetails);
    }

    /// <summary>The first place that breaks a limit (<c>answers[2]</c>) and why, or null when there is none or the JSON is malformed.</summary>
    public static (string Place, string Message)? FirstBreach(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        // Per open container: its place, and for an array the index of the next element.
        var places = new Stack<(string Place, int Next, bool IsArray)>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        continue;
                    case JsonTokenType.StartArray or JsonTokenType.StartObject:
                        places.Push((PlaceOfValue(places, property), 0, reader.TokenType == JsonTokenType.StartArray));
                        property = null;
                        continue;
                    case JsonTokenType.EndArray or JsonTokenType.EndObject:
                        places.Pop();
                        if (Advance(places) is { } full) return full;
                        continue;
                    case JsonTokenType.Null when places.TryPeek(out var top) && top.IsArray:
                        return (Trim($"{top.Place}[{top.Next}]"), "A list may not contain null.");
                    case JsonTokenType.String when (reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length) > MaxChars
                                                   && reader.GetString()!.Length > MaxChars:
                        return (Trim(PlaceOfValue(places, property)), $"At most {MaxChars:N0} characters.");
                    default:
                        property = null;
                        if (Advance(places) is { } over) return over;
                        continue;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed: the binder answers it.
        }
        return null;
    }

    private static string Trim(string place) => place.TrimStart('.');

    private static string PlaceOfValue(Stack<(string Place, int Next, bool IsArray)> places, string? property)
    {
        if (!places.TryPeek(out var parent)) return "";
        return parent.IsArray ? $"{parent.Place}[{parent.Next}]" : parent.Place.Length == 0 ? property ?? "" : $"{parent.Place}.{property}";
    }

    /// <summary>One more element in the enclosing list; a breach when that makes too many.</summary>
    private static (string, string)? Advance(Stack<(string Place, int Next, bool IsArray)> places)
    {
        if (!places.TryPop(out var top)) return null;
        places.Push(top.IsArray ? top with { Next = top.Next + 1 } : top);
        return top.IsArray && top.Next + 1 > MaxItems ? (Trim(top.Place), $"At most {MaxItems:N0} items.") : null;
    }
}
