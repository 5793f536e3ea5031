using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Assemble.Api.Common.OpenApi;

/// <summary>What every operation declares the same way: who may call it, and the shape of its errors.</summary>
public static class OperationRules
{
    public const string BearerScheme = "bearer";
    public const string CookieScheme = "cookie";
    public const string ProblemSchema = "ProblemDetails";
    public const string ProblemMediaType = "application/problem+json";

    public static Task ApplyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        var anonymous = authorize.Count == 0 || metadata.OfType<IAllowAnonymous>().Any();
        operation.Responses ??= new OpenApiResponses();
        if (metadata.OfType<OperationId>().LastOrDefault() is { } id) operation.OperationId = id.Value;

        // The authorization middleware's own rule: any AllowAnonymous wins, else any Authorize requires a user.
        if (anonymous)
        {
            operation.Security = [];
            // Credentials are checked wherever they are sent: an ended session's token is refused even here.
            AddProblem(operation, StatusCodes.Status401Unauthorized,
                "A bearer token or cookie was sent and its session has ended (`auth.unauthenticated`); call without one.");
        }
        else
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, context.Document)] = [] },
            ];
            AddProblem(operation, StatusCodes.Status401Unauthorized, "Not signed in, or the session has ended (`auth.unauthenticated`).");
            if (authorize.Any(a => a.Policy is not null || a.Roles is not null))
                AddProblem(operation, StatusCodes.Status403Forbidden, "Signed in without the role this needs (`auth.forbidden`).");
        }

        // A body or a query value can always be malformed: ThrowOnBadRequest and the guards answer before the handler runs.
        if (operation.RequestBody is not null || operation.Parameters?.Any(p => p.In == ParameterLocation.Query) == true)
            AddProblem(operation, StatusCodes.Status400BadRequest, "Malformed input (`request.malformed`, `request.invalid`, …), with field errors where a field is to blame.");
        if (operation.RequestBody is not null)
            AddProblem(operation, StatusCodes.Status413PayloadTooLarge, "The JSON body is larger than 1 MiB (`request.too_large`).");

        foreach (var (status, response) in operation.Responses)
        {
            if (!int.TryParse(status, out var code) || code < 400 || response is not OpenApiResponse concrete) continue;
            // Our HTML pages answer their own errors as pages; the guards in front of every endpoint still answer problems.
            var page = concrete.Content?.Keys.Any(k => !k.Contains("json", StringComparison.Ordinal)) == true;
            if (string.IsNullOrEmpty(concrete.Description) || concrete.Description == ReasonPhrases.GetReasonPhrase(code))
                concrete.Description = ReasonPhrases.GetReasonPhrase(code) + (page ? ": a page, or problem details from a guard" : " (problem details)");
            var problem = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) };
            if (page)
                concrete.Content![ProblemMediaType] = problem;
            else
                concrete.Content = new Dictionary<string, OpenApiMediaType> { [ProblemMediaType] = problem };
        }
        // Successes first, then errors, each by status.
        var ordered = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (status, response) in ordered) operation.Responses[status] = response;
        return Task.CompletedTask;
    }

    private static void AddProblem(OpenApiOperation operation, int status, string description)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.TryGetValue(key, out var existing) && existing is OpenApiResponse documented)
        {
            if (string.IsNullOrEmpty(documented.Description) || documented.Description == ReasonPhrases.GetReasonPhrase(status)) documented.Description = description;
        }
        else operation.Responses[key] = new OpenApiResponse { Description = description };
    }
}
