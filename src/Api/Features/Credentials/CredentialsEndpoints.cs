using System.Security.Claims;
using Assemble.Api.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Assemble.Api.Common.OpenApi;

namespace Assemble.Api.Features.Credentials;

public static class CredentialsEndpoints
{
    public static IServiceCollection AddCredentials(this IServiceCollection services) => services
        .AddScoped<SubmitCredential.Handler>()
        .AddScoped<ListMyCredentials.Handler>()
        .AddScoped<GetMyCredential.Handler>();

    public static void MapCredentialsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/me/credentials").WithTags("Members").RequireAuthorization();
        group.MapPost("/", async Task<Results<Created<CredentialView>, ProblemHttpResult>> (
                ClaimsPrincipal user, SubmitCredential.Request request, SubmitCredential.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user, request, ct);
                return result.IsSuccess ? TypedResults.Created($"/api/me/credentials/{result.Value!.Id}", result.Value) : result.Error!.ToProblem();
            })
            .WithName(nameof(SubmitCredential)).WithSummary("Submit a professional credential").ProducesProblems(400, 401, 409, 422)
            .WithDescription("An admin checks it against the public register and verifies or rejects it (you get a mail either way). "
                + "409 credential.already_submitted while the same credential waits; 422 credential.expired for an expiry date in the past.")
            .WithBodyExample("""
                {"kind": "certifiedPublicPsychologist", "registrationNumber": "第12345号", "issuer": "厚生労働省", "expiresOn": "2030-03-31"}
                """);
        group.MapGet("/", async Task<Results<Ok<Page<CredentialView>>, ProblemHttpResult>> (
                ClaimsPrincipal user, ListMyCredentials.Handler handler, CancellationToken ct, string? cursor, int? limit) =>
            {
                if (!Cursor.TryRead(cursor, limit, out var after, out var take, out var problem)) return problem!;
                return TypedResults.Ok(await handler.HandleAsync(user, after, take, ct));
            })
            .WithName(nameof(ListMyCredentials)).WithSummary("List your credentials").ProducesProblems(400, 401)
            .WithDescription("Your own credentials in every status (submitted, verified, rejected with its reason, revoked, expired), newest first, keyset-paginated (`cursor`, `limit` 1 to 100). 400 `request.invalid_cursor` or `request.invalid` (limit).");
        group.MapGet("/{id:guid}", async Task<Results<Ok<CredentialView>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, GetMyCredential.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user, id, ct);
                return result.ToOk();
            })
            .WithName(nameof(GetMyCredential)).WithSummary("Get one of your credentials").ProducesProblems(401, 404)
            .WithDescription("One of your own credentials with its status and, once decided, when and why. 404 `credential.not_found`, also for another member's credential.");
    }
}
