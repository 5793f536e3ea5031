using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Assemble.Api.IntegrationTests.Infrastructure;

public static class Expect
{
    /// <summary>Asserts the status, showing the body when it differs.</summary>
    public static async Task StatusAsync(HttpResponseMessage response, int status)
    {
        if ((int)response.StatusCode != status)
            Assert.Fail($"Expected {status} but got {(int)response.StatusCode} for {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Asserts an RFC 9457 problem with the given status and code; returns the parsed body.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, int status, string code)
    {
        await StatusAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.Equal(code, body.GetProperty("code").GetString());
        return body;
    }

    /// <summary>Asserts a 400 naming the given field among its field errors.</summary>
    public static async Task<JsonElement> FieldErrorAsync(HttpResponseMessage response, string field, string? code = null)
    {
        await StatusAsync(response, 400);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (code is not null) Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.True(body.TryGetProperty("errors", out var errors), $"No field errors in {body}");
        Assert.True(errors.TryGetProperty(field, out _), $"No error for '{field}' in {errors}");
        return body;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, int status = 200)
    {
        await StatusAsync(response, status);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
