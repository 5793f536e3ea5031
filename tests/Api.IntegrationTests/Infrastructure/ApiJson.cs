using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Assemble.Api.Common.Json;
using Assemble.Api.Hosting;
using Xunit;

namespace Assemble.Api.IntegrationTests.Infrastructure;

/// <summary>
/// Typed calls over HTTP: assert the status (showing the body when it differs), then read the API's own view record
/// with the API's own JSON rules, as TodoApi's tests do. Raw <see cref="JsonElement"/> stays for tests about the shape.
/// </summary>
public static class ApiJson
{
    /// <summary>
    /// <see cref="ApiSetup.ConfigureJson"/>'s options (camelCase, enums as camelCase strings, unknown members refused)
    /// without its guards on what clients send: an answer may hold line breaks or any instant.
    /// </summary>
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiSetup.ConfigureJson(options);
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver();
        foreach (var guard in options.Converters.Where(c => c is CleanStringConverter or BoundedInstantConverter).ToList())
            options.Converters.Remove(guard);
        // A null a test writes into a request is sent, as PostAsJsonAsync sends it.
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        return options;
    }

    /// <summary>Asserts the status, then reads the body as <typeparamref name="T"/>.</summary>
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, int status = 200)
    {
        await Expect.StatusAsync(response, status);
        var value = await response.Content.ReadFromJsonAsync<T>(Options);
        Assert.NotNull(value);
        return value;
    }

    public static async Task<T> GetAsync<T>(this HttpClient client, string url, int status = 200)
        => await (await client.GetAsync(url)).ReadAsync<T>(status);

    public static async Task<T> PostAsync<T>(this HttpClient client, string url, object? body, int status = 200)
        => await (await client.PostAsync(url, Content(body))).ReadAsync<T>(status);

    public static async Task<T> PutAsync<T>(this HttpClient client, string url, object? body, int status = 200)
        => await (await client.PutAsync(url, Content(body))).ReadAsync<T>(status);

    public static async Task<T> PatchAsync<T>(this HttpClient client, string url, object? body, int status = 200)
        => await (await client.PatchAsync(url, Content(body))).ReadAsync<T>(status);

    private static HttpContent? Content(object? body) => body is null ? null : JsonContent.Create(body, body.GetType(), options: Options);
}
