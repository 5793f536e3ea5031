using System.Text.Json;

namespace Assemble.Api.Common.Json;

/// <summary>A JSON value the API refuses, with the reason the client is told (400 naming the field).</summary>
public sealed class JsonRuleException(string reason) : JsonException(reason);
