using System.Text.Json.Nodes;
using Assemble.Infrastructure.Email;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Assemble.Api.Common.OpenApi;

/// <summary>The document's own parts: what it is, where the API lives, the order of its tags, its security schemes, the problem shape.</summary>
public static class DocumentRules
{
    /// <summary>The tags in the order a newcomer reads them; every operation carries one of these.</summary>
    public static readonly IReadOnlyList<(string Name, string Description)> Tags =
    [
        ("Auth", "Sign-up, sign-in (bearer tokens, or a cookie with ?useCookies=true), e-mail confirmation and password reset: ASP.NET Core Identity's endpoints, with a stable `code` on every error."),
        ("Members", "Your profile, credentials, mail preferences, data export and account; other members' profiles as each member chose to show them."),
        ("Events", "Study sessions, supervision, meetups, cohorts and matchmaking evenings: the public listing, and what organizers run (attendees, check-ins, reminders, messages)."),
        ("Registrations", "Registering for an event, the waitlist and its offers, tickets' QR codes and your private calendar feed."),
        ("Payments", "Stripe Checkout for held paid registrations, refunds, organizers' payment reports, and the pages around Checkout."),
        ("Membership", "The association's membership plans and annual dues (年会費)."),
        ("Referrals", "The referral board for verified professionals: practice profiles, the directory, referral requests and introductions."),
        ("Admin", "Admins only: credential decisions, roles, member accounts, the audit log, the mail outbox, vocabularies and money problems."),
    ];

    public const string Description = """
        Members, credentials, events and referrals for support professionals (対人支援職).

        Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code` to branch on and, for 400s,
        `errors` (field → messages). Unknown JSON fields are refused (400). Lists are keyset-paginated: `?limit=` (1–100,
        default 20) and the opaque `nextCursor` passed back as `?cursor=`. Enums travel as camelCase strings; instants are
        ISO 8601. A response leaves out the fields that are null: a field that is not `required` may be absent.
        """;

    public static Task ApplyAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Assemble API";
        document.Info.Version = "v1";
        document.Info.Description = Description;
        document.Servers = [new OpenApiServer { Url = context.ApplicationServices.GetRequiredService<PublicLinks>().BaseUrl.ToString().TrimEnd('/') }];
        document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [OperationRules.BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The accessToken from POST /api/auth/login (renew it with POST /api/auth/refresh).",
            },
            [OperationRules.CookieScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = ".AspNetCore.Identity.Application",
                Description = "The cookie POST /api/auth/login?useCookies=true sets (SameSite=Strict).",
            },
        };
        document.Security = null;

        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.Remove("HttpValidationProblemDetails");
        document.Components.Schemas[OperationRules.ProblemSchema] = ProblemDetailsSchema();
        InlineBytes(document);
        foreach (var schema in document.Components.Schemas.Values.OfType<OpenApiSchema>())
        {
            DropNullFromRequired(schema);
            // An enum's component keeps the null of whichever nullable use met it first; the uses say oneOf [null, $ref].
            schema.Enum?.Where(v => v is null || v.GetValueKind() == System.Text.Json.JsonValueKind.Null).ToList().ForEach(v => schema.Enum.Remove(v));
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Bytes (the QR code's image/png) are a string, not a thing with a name: the generator files them as a component
    /// named after IFormFile, which a client would read as an upload.
    /// </summary>
    private static void InlineBytes(OpenApiDocument document)
    {
        var binary = document.Components!.Schemas!
            .Where(s => s.Value is OpenApiSchema { Type: JsonSchemaType.String, Format: "binary", Properties: null or { Count: 0 } })
            .Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        if (binary.Count == 0) return;
        foreach (var path in document.Paths?.Values ?? Enumerable.Empty<IOpenApiPathItem>())
            foreach (var operation in path.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            {
                var media = (operation.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>()).SelectMany(r => r.Content?.Values ?? [])
                    .Concat(operation.RequestBody?.Content?.Values ?? []);
                foreach (var m in media.OfType<OpenApiMediaType>())
                    if (m.Schema is OpenApiSchemaReference { Reference.Id: { } id } && binary.Contains(id))
                        m.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
            }
        foreach (var id in binary) document.Components.Schemas!.Remove(id);
    }

    /// <summary>
    /// A required field is refused when null (see SchemaRules); the generator wraps a nullable reference as
    /// oneOf [null, $ref] only after the schema transformers ran, so the null branch goes here.
    /// </summary>
    private static void DropNullFromRequired(OpenApiSchema schema)
    {
        if (schema.Required is not { Count: > 0 } required || schema.Properties is null) return;
        foreach (var name in required)
            if (schema.Properties.TryGetValue(name, out var property) && property is OpenApiSchema { OneOf: { Count: 2 } oneOf }
                && oneOf.Count(s => s is OpenApiSchema { Type: JsonSchemaType.Null }) == 1)
                schema.Properties[name] = oneOf.Single(s => s is not OpenApiSchema { Type: JsonSchemaType.Null });
    }

    /// <summary>What ApiSetup's problem details and Problems.ToProblem write: the RFC 9457 members, our code, field errors, the trace id.</summary>
    private static OpenApiSchema ProblemDetailsSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details. Branch on `code`; other members may be added (e.g. `waitlistOpen`).",
        Required = new HashSet<string> { "title", "status", "code" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Stable and machine-readable, e.g. `registration.sold_out`.", Examples = [JsonValue.Create("registration.sold_out")] },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "For 400s: each invalid field (JSON path as written) with its messages.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String },
        },
        AdditionalPropertiesAllowed = true,
    };
}
