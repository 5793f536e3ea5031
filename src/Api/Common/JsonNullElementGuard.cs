using System.Text;
using System.Text.Json;

namespace Assemble.Api.Common;

/// <summary>
/// No list in a request may hold <c>null</c> (<c>"ticketTypes": [null]</c> reached the handlers as a null element and
/// was a 500): every JSON body is read once, before binding, and the first null element is a 400 naming its place
/// (<c>ticketTypes[1]</c>). Bodies that are not JSON, or not well formed, are left to the binder's own 400; Stripe's
/// webhook is read as raw bytes for its signature and is never touched.
/// </summary>
public static class JsonNullElementGuard
{
    public static IApplicationBuilder UseJsonNullElementGuard(this IApplicationBuilder app)
        => app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (request.ContentLength == 0 || !request.HasJsonContentType()
                || request.Path.StartsWithSegments("/api/payments/stripe/webhook"))
            {
                await next(context);
                return;
            }
            request.EnableBuffering();
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, context.RequestAborted);
            request.Body.Position = 0;
            if (FirstNullElement(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is { } place)
            {
                await Problems.InvalidField(place, "A list may not contain null.", "request.malformed").ExecuteAsync(context);
                return;
            }
            await next(context);
        });

    /// <summary>Where the first null element of an array is (<c>answers[2]</c>), or null when there is none or the JSON is malformed.</summary>
    public static string? FirstNullElement(ReadOnlySpan<byte> json)
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
                        Advance(places);
                        continue;
                    case JsonTokenType.Null when places.TryPeek(out var top) && top.IsArray:
                        return $"{top.Place}[{top.Next}]".TrimStart('.');
                    default:
                        property = null;
                        Advance(places);
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

    private static string PlaceOfValue(Stack<(string Place, int Next, bool IsArray)> places, string? property)
    {
        if (!places.TryPeek(out var parent)) return "";
        return parent.IsArray ? $"{parent.Place}[{parent.Next}]" : parent.Place.Length == 0 ? property ?? "" : $"{parent.Place}.{property}";
    }

    private static void Advance(Stack<(string Place, int Next, bool IsArray)> places)
    {
        if (places.TryPop(out var top))
            places.Push(top.IsArray ? top with { Next = top.Next + 1 } : top);
    }
}
