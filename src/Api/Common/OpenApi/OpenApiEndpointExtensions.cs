using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Assemble.Api.Common.OpenApi;

/// <summary>What an endpoint says about itself in the document, beside its mapping.</summary>
public static class OpenApiEndpointExtensions
{
    /// <summary>An example request body (JSON), shown in /docs and checked against the schema by the lint.</summary>
    public static RouteHandlerBuilder WithBodyExample(this RouteHandlerBuilder builder, string json)
    {
        var example = JsonNode.Parse(json)!;
        return builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
                if (media is OpenApiMediaType concrete) concrete.Example = example.DeepClone();
            return Task.CompletedTask;
        });
    }

    /// <summary>A success answered as text in a media type other than JSON (text/calendar, text/csv, text/html).</summary>
    public static RouteHandlerBuilder ProducesText(this RouteHandlerBuilder builder, string mediaType, int status = StatusCodes.Status200OK)
        => builder.Produces<string>(status, mediaType);

    /// <summary>A success answered as bytes (image/png).</summary>
    public static RouteHandlerBuilder ProducesBinary(this RouteHandlerBuilder builder, string mediaType, int status = StatusCodes.Status200OK)
        => builder.Produces<Stream>(status, mediaType);
}
