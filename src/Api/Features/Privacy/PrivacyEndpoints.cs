using System.Security.Claims;
using Assemble.Api.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Assemble.Api.Features.Privacy;

/// <summary>
/// A member's own rights under APPI: a copy of their data, who read it, and closing the account. Every route serves
/// the signed-in caller and names no member, so nobody can ask for another's; answers are never cached
/// (<c>Cache-Control: no-store</c> from the security headers).
/// </summary>
public static class PrivacyEndpoints
{
    public static IServiceCollection AddPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PrivacyOptions>().Bind(configuration.GetSection(PrivacyOptions.Section))
            .Validate(o => o.AnswerRetentionDays >= 1, "Privacy:AnswerRetentionDays (Privacy__AnswerRetentionDays) must be at least 1.")
            .ValidateOnStart();
        return services
            .AddScoped<AuditActors>()
            .AddScoped<ExportMyData.Handler>()
            .AddScoped<ListMyAccessLog.Handler>()
            .AddScoped<DeleteMyAccount.Handler>();
    }

    public static void MapPrivacyEndpoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me").WithTags("Members").RequireAuthorization();

        me.MapGet("/data-export", async (ClaimsPrincipal user, ExportMyData.Handler handler, CancellationToken ct)
                => TypedResults.File(await handler.HandleAsync(user, ct), "application/json", ExportMyData.FileName))
            .WithName(nameof(ExportMyData)).WithSummary("Download your data").Produces<ExportMyData.Document>(contentType: "application/json").ProducesProblems(401)
            .WithDescription("Everything Assemble holds about you, as one JSON file (attachment). The export itself is written to the audit log.");

        me.MapGet("/access-log", async Task<Results<Ok<Page<ListMyAccessLog.Item>>, ProblemHttpResult>> (
                ClaimsPrincipal user, ListMyAccessLog.Handler handler, CancellationToken ct, string? cursor, int? limit) =>
            {
                if (!Cursor.TryRead(cursor, limit, out var after, out var take, out var problem)) return problem!;
                return TypedResults.Ok(await handler.HandleAsync(user, after, take, ct));
            })
            .WithName(nameof(ListMyAccessLog)).WithSummary("List who read your data").ProducesProblems(400, 401)
            .WithDescription("Who else read, revealed or changed your personal data, and when (newest first): the actor as a role and display name, never an e-mail.");

        me.MapPost("/account/deletion", async Task<Results<Ok<DeleteMyAccount.Response>, ProblemHttpResult>> (
                DeleteMyAccount.Request request, ClaimsPrincipal user, DeleteMyAccount.Handler handler, CancellationToken ct)
                => (await handler.HandleAsync(user, request, ct)).ToOk())
            .WithName(nameof(DeleteMyAccount)).WithSummary("Delete your account").ProducesProblems(400, 401, 403, 404, 422, 429)
            .WithDescription("Confirm with your password (422 auth.invalid_password; rate-limited and counted like a sign-in). Future registrations are "
                + "cancelled (refunds as the cancellation rules say), open referrals withdrawn, profile, contacts, practice profile and credentials erased, "
                + "and the account anonymised: it can never sign in again. Payment and refund records stay under a pseudonym.");
    }
}
