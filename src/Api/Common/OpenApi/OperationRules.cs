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

        // The authorization middleware's own rule: any AllowAnonymous wins, else any Authorize requires a user.
        if (anonymous)
            operation.Security = [];
        else
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, context.Document)] = [] },
            ];
            AddProblem(operation, StatusCodes.Status401Unauthorized);
            if (authorize.Any(a => a.Policy is not null || a.Roles is not null)) AddProblem(operation, StatusCodes.Status403Forbidden);
        }

        // A body or a query value can always be malformed (ThrowOnBadRequest answers 400 before the handler runs).
        if (operation.RequestBody is not null || operation.Parameters?.Any(p => p.In == ParameterLocation.Query) == true)
            AddProblem(operation, StatusCodes.Status400BadRequest);

        foreach (var (status, response) in operation.Responses)
        {
            if (!int.TryParse(status, out var code) || code < 400 || response is not OpenApiResponse concrete) continue;
            // Our HTML pages answer their errors as pages.
            if (concrete.Content?.Keys.Any(k => !k.Contains("json", StringComparison.Ordinal)) == true) continue;
            concrete.Description = ReasonPhrases.GetReasonPhrase(code) + " (problem details)";
            concrete.Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemMediaType] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
            };
        }
        // Successes first, then errors, each by status.
        var ordered = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (status, response) in ordered) operation.Responses[status] = response;
        return Task.CompletedTask;
    }

    private static void AddProblem(OpenApiOperation operation, int status)
        => operation.Responses!.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse());
}
