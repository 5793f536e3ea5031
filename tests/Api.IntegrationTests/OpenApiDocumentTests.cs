using System.Text.Json;
using Assemble.Api.Common;
using Assemble.Api.Common.OpenApi;
using Assemble.Api.Features.Admin;
using Assemble.Api.Features.Email;
using Assemble.Api.Features.Referrals;
using Assemble.Api.Features.Registrations;
using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>/openapi/v1.json as a client generator reads it: names, schemas, tags, security and problem shapes.</summary>
public sealed class OpenApiDocumentTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly string[] TagOrder = ["Auth", "Members", "Events", "Registrations", "Payments", "Membership", "Referrals", "Admin"];

    /// <summary>Request bodies more than one operation takes, on purpose.</summary>
    private static readonly Dictionary<string, string[]> SharedRequestBodies = new()
    {
        ["EventRequest"] = ["ScheduleEvent", "UpdateEvent"],
    };

    /// <summary>Views more than one operation answers with, on purpose (the same resource after different actions).</summary>
    private static readonly Dictionary<string, string[]> SharedResponses = new()
    {
        ["AccessTokenResponse"] = ["Login", "RefreshToken"],
        ["InfoResponse"] = ["GetAccountInfo", "UpdateAccountInfo"],
        ["MyProfileResponse"] = ["GetMyProfile", "UpdateMyProfile"],
        ["CredentialView"] = ["GetMyCredential", "RejectCredential", "RevokeCredential", "SubmitCredential", "VerifyCredential"],
        ["DisableMemberResponse"] = ["DisableMember", "EnableMember"],
        ["VocabularyTermAdminView"] = ["ListVocabularyTerms", "SetVocabularyTerm"],
        ["EventView"] = ["CancelEvent", "GetEvent", "PublishEvent", "ScheduleEvent", "UpdateEvent"],
        ["RegistrationView"] = ["AcceptWaitlistOffer", "ApproveRegistration", "CancelRegistration", "DeclineRegistration", "GetRegistration", "RegisterForEvent", "RemoveRegistration", "StartCheckout"],
        ["WaitlistView"] = ["DeclineWaitlistOffer", "GetMyWaitlistPlace", "JoinWaitlist"],
        ["ReminderRulesResponse"] = ["GetReminderRules", "SetReminderRules"],
        ["MailPreferences"] = ["GetMailPreferences", "SetMailPreferences"],
        ["MoneyProblemsResponse"] = ["ListEventMoneyProblems", "ListMoneyProblems"],
        ["PracticeProfileView"] = ["GetMyPracticeProfile", "SetMyPracticeProfile"],
        ["DirectoryMatchPage"] = ["ListReferralMatches", "SearchDirectory"],
        ["MembershipPlanView"] = ["GetMembershipPlan", "ListMembershipPlans", "SetMembershipPlan"],
        ["MembershipDuesMyMembershipView"] = ["GetMemberMembership", "GetMyMembership"],
        ["ReceiptView"] = ["GetReceipt", "ListMyReceipts", "SetReceiptAddressee"],
        ["ReferralRequestView"] = ["CloseReferralRequest", "CreateReferralRequest", "GetReferralRequest", "WithdrawReferralRequest"],
        ["SentIntroductionView"] = ["ListSentIntroductions", "SendIntroductions", "WithdrawIntroduction"],
        ["ReceivedIntroductionView"] = ["AcceptIntroduction", "DeclineIntroduction", "GetMyIntroduction", "ListMyIntroductions"],
        ["MatchmakingScheduleView"] = ["GenerateMatchmakingRounds", "GetMatchmakingRounds"],
        ["MatchmakingMySelectionsView"] = ["GetMyMatchmakingSelections", "SelectMatchmakingPartners"],
    };

    private async Task<JsonElement> DocumentAsync() => await Expect.JsonAsync(await api.CreateClient().GetAsync("/openapi/v1.json"));

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document)
        => document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (p.Name, o.Name, o.Value)));

    [Fact]
    public void Schema_names_say_what_each_schema_is()
    {
        Assert.Equal("RegisterForEventRequest", SchemaNames.NameOf(typeof(RegisterForEvent.Request)));
        Assert.Equal("RegistrationView", SchemaNames.NameOf(typeof(RegistrationView)));
        // A read names what it reads, without its verb; a page is named after its item.
        Assert.Equal("AuditLogItem", SchemaNames.NameOf(typeof(ListAuditLog.Item)));
        Assert.Equal("AuditLogPage", SchemaNames.NameOf(typeof(Page<ListAuditLog.Item>)));
        Assert.Equal("RegistrationPage", SchemaNames.NameOf(typeof(Page<RegistrationView>)));
        Assert.Equal("DirectoryMatchPage", SchemaNames.NameOf(typeof(Page<SearchDirectory.Match>)));
        // A nested type that already names its owner's subject keeps its name.
        Assert.Equal("MemberCredentialPage", SchemaNames.NameOf(typeof(Page<ListCredentials.MemberCredential>)));
        Assert.Equal("SentIntroductionView", SchemaNames.NameOf(typeof(Introductions.SentIntroductionView)));
        Assert.Equal("VocabularyTermRequest", SchemaNames.NameOf(typeof(Vocabularies.VocabularyTermRequest)));
        // The class that maps endpoints is not part of what its types are.
        Assert.Equal("ReminderRulesRequest", SchemaNames.NameOf(typeof(ReminderEndpoints.RulesRequest)));
        Assert.Equal("OutboxEmailPage", SchemaNames.NameOf(typeof(Page<OutboxAdmin.OutboxEmailView>)));
    }

    [Fact]
    public async Task No_schema_is_named_after_how_the_code_is_arranged()
    {
        var names = (await DocumentAsync()).GetProperty("components").GetProperty("schemas").EnumerateObject().Select(s => s.Name).ToList();
        var clumsy = names.Where(n => n.Contains("Endpoints", StringComparison.Ordinal) || n.EndsWith("ViewPage", StringComparison.Ordinal)
            || n.EndsWith("ItemPage", StringComparison.Ordinal) || n is "Stream" or "IFormFile"
            || new[] { "List", "Get", "Search" }.Any(verb => n.StartsWith(verb, StringComparison.Ordinal) && n.Length > verb.Length && char.IsUpper(n[verb.Length])));
        Assert.Empty(clumsy);
    }

    [Fact]
    public async Task Every_operation_has_an_operation_id_a_summary_and_a_description()
    {
        var problems = new List<string>();
        foreach (var (path, method, operation) in Operations(await DocumentAsync()))
            foreach (var field in new[] { "operationId", "summary", "description" })
                if (!operation.TryGetProperty(field, out var value) || string.IsNullOrWhiteSpace(value.GetString()))
                    problems.Add($"{method.ToUpperInvariant()} {path}: no {field}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task No_two_operations_share_a_schema_by_accident()
    {
        var document = await DocumentAsync();
        var requests = new Dictionary<string, SortedSet<string>>();
        var responses = new Dictionary<string, SortedSet<string>>();
        foreach (var (_, _, operation) in Operations(document))
        {
            var id = operation.GetProperty("operationId").GetString()!;
            if (operation.TryGetProperty("requestBody", out var body))
                foreach (var name in SchemaRefs(body)) Add(requests, name, id);
            foreach (var response in operation.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2')))
                foreach (var name in SchemaRefs(response.Value)) Add(responses, name, id);
        }

        Assert.Equivalent(SharedRequestBodies.ToDictionary(s => s.Key, s => s.Value.Order().ToArray()),
            requests.Where(r => r.Value.Count > 1).ToDictionary(r => r.Key, r => r.Value.ToArray()), strict: true);
        Assert.Equivalent(SharedResponses.ToDictionary(s => s.Key, s => s.Value.Order().ToArray()),
            responses.Where(r => r.Value.Count > 1).ToDictionary(r => r.Key, r => r.Value.ToArray()), strict: true);
        // Only the mail preferences go in as they come out.
        Assert.Equal(["MailPreferences"], requests.Keys.Intersect(responses.Keys).ToArray());

        static void Add(Dictionary<string, SortedSet<string>> uses, string schema, string operation)
        {
            if (!uses.TryGetValue(schema, out var set)) uses[schema] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.Add(operation);
        }
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_one_tag_and_its_own_security()
    {
        var document = await DocumentAsync();
        Assert.Equal(TagOrder, document.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToArray());
        Assert.False(document.TryGetProperty("security", out _), "security is declared per operation, not for the whole document");
        var ids = new HashSet<string>();
        var problems = new List<string>();
        foreach (var (path, method, operation) in Operations(document))
        {
            var where = $"{method.ToUpperInvariant()} {path}";
            if (!operation.TryGetProperty("operationId", out var id) || id.GetString() is not { Length: > 0 } name || name.Contains('/') || !ids.Add(name))
                problems.Add($"{where}: no unique operationId");
            if (!operation.TryGetProperty("summary", out var summary) || summary.GetString() is not { Length: > 0 })
                problems.Add($"{where}: no summary");
            var tags = operation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToList();
            if (tags.Count != 1 || !TagOrder.Contains(tags[0])) problems.Add($"{where}: tags {string.Join(",", tags)}");
            if (!operation.TryGetProperty("security", out _)) problems.Add($"{where}: no security declared");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        var paths = document.GetProperty("paths");
        Assert.Empty(paths.GetProperty("/api/events").GetProperty("get").GetProperty("security").EnumerateArray());
        Assert.Empty(paths.GetProperty("/api/auth/login").GetProperty("post").GetProperty("security").EnumerateArray());
        var secured = paths.GetProperty("/api/me/profile").GetProperty("get").GetProperty("security").EnumerateArray()
            .SelectMany(r => r.EnumerateObject().Select(s => s.Name)).ToArray();
        Assert.Equal(["bearer", "cookie"], secured);
    }

    [Fact]
    public async Task Successes_have_their_media_types_and_errors_the_problem_shape()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");
        string MediaType(string path, string method, string status = "200")
            => paths.GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty(status).GetProperty("content").EnumerateObject().Single().Name;
        Assert.Equal("text/calendar", MediaType("/api/events/{id}.ics", "get"));
        Assert.Equal("text/calendar", MediaType("/api/calendar/{token}.ics", "get"));
        Assert.Equal("text/csv", MediaType("/api/events/{id}/attendees.csv", "get"));
        Assert.Equal("text/csv", MediaType("/api/events/{id}/payments.csv", "get"));
        Assert.Equal("image/png", MediaType("/api/registrations/{id}/qr", "get"));
        Assert.Equal("text/html", MediaType("/checkout/success", "get"));
        Assert.Equal("text/html", MediaType("/api/mail/unsubscribe", "get"));
        Assert.Equal("application/json", MediaType("/api/events/{id}", "get"));
        Assert.Equal("application/problem+json", MediaType("/api/auth/login", "post", "401"));

        var problem = document.GetProperty("components").GetProperty("schemas").GetProperty("ProblemDetails");
        Assert.Equal(["code", "detail", "errors", "instance", "status", "title", "traceId", "type"],
            problem.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToArray());
        // Extensions (waitlistOpen, retryAfterSeconds, …) are allowed: additionalProperties is absent or not false.
        Assert.False(problem.TryGetProperty("additionalProperties", out var extensions) && extensions.ValueKind == JsonValueKind.False);
    }

    [Fact]
    public async Task Fields_are_typed_and_only_real_requirements_are_required()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var problems = new List<string>();
        foreach (var schema in schemas.EnumerateObject())
        {
            if (!schema.Value.TryGetProperty("properties", out var properties)) continue;
            foreach (var property in properties.EnumerateObject())
            {
                var p = property.Value;
                if (!p.TryGetProperty("type", out var type) && !p.TryGetProperty("$ref", out _) && !p.TryGetProperty("oneOf", out _) && !p.TryGetProperty("anyOf", out _))
                    problems.Add($"{schema.Name}.{property.Name} has no type");
                if (p.TryGetProperty("type", out type) && (type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Any(t => t.GetString() == "array") : type.GetString() == "array")
                    && (!p.TryGetProperty("items", out var items) || !(items.TryGetProperty("type", out _) || items.TryGetProperty("$ref", out _))))
                    problems.Add($"{schema.Name}.{property.Name} is a list of anything");
                if (p.TryGetProperty("type", out type) && type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.GetString() == "string")
                    && type.EnumerateArray().Any(t => t.GetString() is "integer" or "number"))
                    problems.Add($"{schema.Name}.{property.Name} is a number or a string");
            }
        }
        foreach (var schema in schemas.EnumerateObject().Where(s => s.Value.TryGetProperty("enum", out _)))
            if (!schema.Value.TryGetProperty("type", out _) || schema.Value.GetProperty("enum").EnumerateArray().Any(v => v.ValueKind == JsonValueKind.Null))
                problems.Add($"{schema.Name}: an enum without a type, or with null among its values");
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // A required request field is refused when null: the document does not offer null for it.
        Assert.Equal("#/components/schemas/EventKind", schemas.GetProperty("EventRequest").GetProperty("properties").GetProperty("kind").GetProperty("$ref").GetString());
        Assert.Equal("string", schemas.GetProperty("UpdateMyProfileRequest").GetProperty("properties").GetProperty("displayName").GetProperty("type").GetString());

        string[] Required(string name) => schemas.GetProperty(name).TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()!).Order().ToArray() : [];
        Assert.Equal(["capacity", "format", "kind", "ticketTypes", "title"], Required("EventRequest"));
        Assert.Equal(["ticketTypeId"], Required("RegisterForEventRequest"));
        // Null fields are left out of answers: they are not required.
        Assert.DoesNotContain("holdExpiresAt", Required("RegistrationView"));
        Assert.Contains("status", Required("RegistrationView"));
    }

    [Fact]
    public async Task The_main_request_bodies_have_examples_that_match_their_schemas()
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse((await DocumentAsync()).GetRawText())!;
        var contract = new OpenApiContract(document);
        var withExamples = new List<string>();
        var problems = new List<string>();
        foreach (var path in document["paths"]!.AsObject())
            foreach (var operation in path.Value!.AsObject())
            {
                if (operation.Value?["requestBody"]?["content"]?["application/json"] is not { } media || media["example"] is not { } example) continue;
                var id = operation.Value["operationId"]!.GetValue<string>();
                withExamples.Add(id);
                problems.AddRange(contract.CheckValue(media["schema"]!.AsObject(), JsonDocument.Parse(example.ToJsonString()).RootElement).Select(p => $"{id}: {p}"));
            }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Subset(withExamples.ToHashSet(), new HashSet<string> { "RegisterForEvent", "ScheduleEvent", "UpdateMyProfile", "SubmitCredential", "CreateReferralRequest" });
    }

    [Fact]
    public async Task The_contract_check_catches_answers_the_document_does_not_allow()
    {
        var contract = new OpenApiContract(System.Text.Json.Nodes.JsonNode.Parse((await DocumentAsync()).GetRawText())!);
        byte[] Json(string text) => System.Text.Encoding.UTF8.GetBytes(text);
        Assert.Contains("status not documented", Assert.Single(contract.Check("GET", "/api/events", 418, "application/json", Json("{}"))));
        Assert.Contains("media type text/plain not documented", Assert.Single(contract.Check("GET", "/api/events/{id}", 200, "text/plain", Json("hello"))));
        Assert.Contains("does not match the schema", Assert.Single(contract.Check("GET", "/api/events/{id}", 200, "application/json", Json("""{"id": 5}"""))));
        Assert.Contains("does not match the schema", Assert.Single(contract.Check("GET", "/api/events", 400, "application/problem+json", Json("""{"title": "x", "status": "400"}"""))));
        Assert.Empty(contract.Check("GET", "/api/events", 400, "application/problem+json; charset=utf-8",
            Json("""{"type": "https://tools.ietf.org/html/rfc9110#section-15.5.1", "title": "The request is invalid.", "status": 400, "code": "request.invalid", "errors": {"limit": ["1 to 100."]}, "traceId": "00-1", "extra": true}""")));
        Assert.Equal("/api/events/{id}", OpenApiContract.PathOf("/api/events/{id:guid}"));
        Assert.Equal("/api/events", OpenApiContract.PathOf("/api/events/"));
    }

    private static IEnumerable<string> SchemaRefs(JsonElement withContent)
    {
        if (!withContent.TryGetProperty("content", out var content)) yield break;
        foreach (var media in content.EnumerateObject())
        {
            if (!media.Value.TryGetProperty("schema", out var schema)) continue;
            if (schema.TryGetProperty("items", out var items)) schema = items;
            if (schema.TryGetProperty("$ref", out var reference)) yield return reference.GetString()!.Split('/')[^1];
        }
    }
}
