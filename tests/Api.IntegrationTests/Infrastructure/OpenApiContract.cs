using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Assemble.Api.IntegrationTests.Infrastructure;

/// <summary>
/// The OpenAPI document as a contract: given what an operation answered (status, media type, body), says how the
/// answer breaks the document. Bodies are checked with JsonSchema.Net against the documented schema, its $refs
/// resolved into the document's components.
/// </summary>
public sealed partial class OpenApiContract
{
    private static int _schemaCounter;

    private readonly JsonObject _paths;
    private readonly JsonObject _components;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();

    public OpenApiContract(JsonNode document)
    {
        _paths = document["paths"]!.AsObject();
        var schemas = document["components"]?["schemas"]?.DeepClone() ?? new JsonObject();
        // JSON Schema resolves "#/…" against the schema's own root: the components travel along as $defs.
        _components = JsonNode.Parse(schemas.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal))!.AsObject();
    }

    /// <summary>The document's path for an ASP.NET route pattern: constraints dropped (<c>{id:guid}</c> → <c>{id}</c>), no trailing slash.</summary>
    public static string PathOf(string routePattern)
    {
        var path = RouteParameter().Replace(routePattern, m => "{" + m.Groups[1].Value + "}");
        if (!path.StartsWith('/')) path = "/" + path;
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    public bool Describes(string method, string path) => _paths[path]?[method.ToLowerInvariant()] is JsonObject;

    public IEnumerable<(string Method, string Path)> Operations()
        => _paths.SelectMany(p => p.Value!.AsObject().Where(o => o.Value is JsonObject { } op && op.ContainsKey("responses")).Select(o => (o.Key.ToUpperInvariant(), p.Key)));

    /// <summary>Every way the answer breaks the document; none when it keeps it.</summary>
    public IReadOnlyList<string> Check(string method, string path, int status, string? contentType, byte[] body)
    {
        var operation = _paths[path]?[method.ToLowerInvariant()];
        if (operation is null) return [$"{method} {path} is not in the document"];
        var where = $"{method} {path} → {status}";
        var responses = operation["responses"]!.AsObject();
        var response = responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]
                       ?? responses[$"{status / 100}XX"] ?? responses["default"];
        if (response is null) return [$"{where}: status not documented (documented: {string.Join(", ", responses.Select(r => r.Key))})"];

        var content = response["content"]?.AsObject();
        // Login with ?useCookies=true answers 200 without a body (its description says so); every other
        // documented body must be there.
        if (body.Length == 0)
            return content is { Count: > 0 } && !(method == "POST" && path == "/api/auth/login")
                ? [$"{where}: empty body, but the document promises {string.Join(", ", content.Select(c => c.Key))}"]
                : [];
        if (content is null or { Count: 0 }) return [$"{where}: a body ({contentType}) the document does not describe"];

        var mediaType = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (content[mediaType] is not { } media) return [$"{where}: media type {mediaType} not documented (documented: {string.Join(", ", content.Select(c => c.Key))})"];
        if (!mediaType.Contains("json", StringComparison.Ordinal) || media["schema"] is not JsonObject schema) return [];

        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException e)
        {
            return [$"{where}: the body is not JSON ({e.Message})"];
        }
        var compiled = _schemas.GetOrAdd($"{method} {path} {status} {mediaType}", _ => Compile(schema));
        var result = compiled.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (result.IsValid) return [];
        var errors = Failures(result).Distinct().Take(8);
        return [$"{where}: body does not match the schema: {string.Join("; ", errors)} — body: {Shorten(Encoding.UTF8.GetString(body))}"];
    }

    /// <summary>The errors on failing paths only (a oneOf's other branch fails too, and says nothing).</summary>
    private static IEnumerable<string> Failures(EvaluationResults result)
    {
        if (result.IsValid) yield break;
        foreach (var error in result.Errors ?? new Dictionary<string, string>())
            yield return $"{result.InstanceLocation} ({result.EvaluationPath}): {error.Value}";
        foreach (var detail in result.Details ?? [])
            foreach (var failure in Failures(detail))
                yield return failure;
    }

    /// <summary>How a JSON value (an example) breaks a schema of the document; empty when it keeps it.</summary>
    public IReadOnlyList<string> CheckValue(JsonObject schema, JsonElement value)
    {
        var result = Compile(schema).Evaluate(value, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        return result.IsValid ? [] : Failures(result).Distinct().ToList();
    }

    private JsonSchema Compile(JsonObject schema)
    {
        var root = JsonNode.Parse(schema.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal))!.AsObject();
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = _components.DeepClone();
        var id = new Uri($"https://assemble.test/openapi/{Interlocked.Increment(ref _schemaCounter)}");
        return JsonSchema.FromText(root.ToJsonString(), baseUri: id);
    }

    private static string Shorten(string text) => (text.Length > 300 ? text[..300] + "…" : text).ReplaceLineEndings(" ");

    [GeneratedRegex(@"\{\*{0,2}([^}:=?]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
