using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Assemble.Api.IntegrationTests;

/// <summary>
/// Every operation of the OpenAPI document, as an anonymous caller, a member and an admin, with the values clients
/// get wrong: malformed, non-finite, huge and negative numbers, control characters, empty and wrong-shaped bodies,
/// unknown fields, null elements. None may answer 5xx.
/// </summary>
public sealed class WalkTests(EventsFactory api, ITestOutputHelper output) : IClassFixture<EventsFactory>
{
    private static readonly string[] QueryValues = ["", "NaN", "Infinity", "-1", "-2147483648", "99999999999999999999", "1e309", "%00", "not-a-guid", "35.6,NaN", "'); DROP TABLE events;--"];

    private static readonly string[] Bodies = ["{}", "[]", "null", "\"text\"", "{\"unknownField\":1}", "{\"x\":[null]}", "{", "{\"title\":\"\\u0000\"}"];

    /// <summary>Operations that end the caller's own session or account: walked last, or not at all.</summary>
    private static readonly string[] EndsTheSession = ["/api/auth/logout", "/api/me/account/deletion"];

    [Fact]
    public async Task No_operation_answers_5xx_to_a_client_mistake()
    {
        var document = await Expect.JsonAsync(await api.CreateClient().GetAsync("/openapi/v1.json"));
        var admin = await api.AdminAsync();
        var member = await api.MemberAsync();
        var organizer = await api.OrganizerAsync();
        // One real event, so operations on it get past "not found" to their validation.
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(priceYen: 2000));
        var callers = new (string Name, HttpClient Client)[] { ("anonymous", api.CreateClient()), ("member", member.Client), ("admin", admin.Client), ("organizer", organizer.Client) };
        var failures = new List<string>();
        var requests = 0;
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            if (EndsTheSession.Contains(path.Name)) continue;
            foreach (var operation in path.Value.EnumerateObject())
            {
                var method = new HttpMethod(operation.Name.ToUpperInvariant());
                var parameters = operation.Value.TryGetProperty("parameters", out var p) ? p.EnumerateArray().ToList() : [];
                var query = parameters.Where(x => x.GetProperty("in").GetString() == "query").Select(x => x.GetProperty("name").GetString()!).ToList();
                var hasBody = operation.Value.TryGetProperty("requestBody", out _);
                var url = System.Text.RegularExpressions.Regex.Replace(path.Name, @"\{[^}]+\}", _ => Guid.NewGuid().ToString());
                var onEvent = path.Name.StartsWith("/api/events/{", StringComparison.Ordinal)
                    ? System.Text.RegularExpressions.Regex.Replace(path.Name, @"^/api/events/\{[^}]+\}", $"/api/events/{e.Id}") is var withEvent
                        ? System.Text.RegularExpressions.Regex.Replace(withEvent, @"\{[^}]+\}", _ => Guid.NewGuid().ToString()) : null
                    : null;

                var attempts = new List<(string Url, string? Body)> { (url, hasBody ? "{}" : null) };
                if (onEvent is not null)
                {
                    attempts.Add((onEvent, hasBody ? "{}" : null));
                    if (hasBody) attempts.AddRange(Bodies.Select(b => (onEvent, (string?)b)));
                    foreach (var name in query)
                        foreach (var value in QueryValues)
                            attempts.Add(($"{onEvent}?{name}={(value == "%00" ? value : Uri.EscapeDataString(value))}", null));
                }
                foreach (var name in query)
                    foreach (var value in QueryValues)
                        attempts.Add(($"{url}?{name}={(value == "%00" ? value : Uri.EscapeDataString(value))}", hasBody ? "{}" : null));
                if (hasBody) attempts.AddRange(Bodies.Select(b => (url, (string?)b)));

                foreach (var (callerName, client) in callers)
                    foreach (var (target, body) in attempts)
                    {
                        using var request = new HttpRequestMessage(method, target);
                        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                        using var response = await client.SendAsync(request);
                        requests++;
                        if ((int)response.StatusCode >= 500)
                            failures.Add($"{callerName} {method} {target} {(body is null ? "" : body)} → {(int)response.StatusCode} {Truncate(await response.Content.ReadAsStringAsync())}");
                    }
            }
        }
        output.WriteLine($"{requests} requests");
        Assert.True(requests > 500, $"only {requests} requests: is the document complete?");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    private static string Truncate(string text) => text.Length > 200 ? text[..200] : text;
}
