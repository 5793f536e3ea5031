using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Credentials;
using Assemble.Domain.Credentials;
using Assemble.Domain.Members;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Assemble.Api.Features.Admin;

public static class AdminEndpoints
{
    public const string AdminPolicy = "admin";

    public static IServiceCollection AddAdmin(this IServiceCollection services) => services
        .AddScoped<CredentialDecisions>()
        .AddScoped<ListCredentials.Handler>()
        .AddScoped<VerifyCredential.Handler>()
        .AddScoped<RejectCredential.Handler>()
        .AddScoped<RevokeCredential.Handler>()
        .AddScoped<SetMemberRoles.Handler>()
        .AddScoped<DisableMember.Handler>()
        .AddScoped<ListAuditLog.Handler>();

    public static void MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(AdminPolicy);
        admin.MapVocabularyAdmin();

        admin.MapGet("/credentials", async Task<Results<Ok<Page<ListCredentials.MemberCredential>>, ProblemHttpResult>> (
                ClaimsPrincipal user, ListCredentials.Handler handler, CancellationToken ct, string? status, string? cursor, int? limit) =>
            {
                if (!Cursor.TryRead(cursor, limit, out var after, out var take, out var problem)) return problem!;
                if (!QueryValues.TryEnum<CredentialStatus>(status, "status", out var wanted, out problem)) return problem!;
                return TypedResults.Ok(await handler.HandleAsync(user, wanted, after, take, ct));
            })
            .WithName(nameof(ListCredentials)).WithSummary("List submitted credentials").ProducesProblems(400, 401, 403)
            .WithDescription("Admins: the review queue, oldest first, optionally by status, each credential with its member's name and e-mail; keyset-paginated (`cursor`, `limit` 1 to 100). Every registration number shown is written to its member's access log. 400 `request.invalid` for an unknown status.");

        admin.MapPost("/credentials/{id:guid}/verify", async Task<Results<Ok<CredentialView>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, VerifyCredential.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user, id, ct);
                return result.ToOk();
            })
            .WithName(nameof(VerifyCredential)).WithSummary("Verify a credential")
            .WithDescription("Admins, after checking the public register: the member's profession shows as verified at once and the member gets a mail. 409 `credential.already_decided`; 422 `credential.expired`. Audited.").ProducesProblems(401, 403, 404, 409, 422);

        admin.MapPost("/credentials/{id:guid}/reject", async Task<Results<Ok<CredentialView>, ProblemHttpResult>> (
                Guid id, RejectCredential.Request request, ClaimsPrincipal user, RejectCredential.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user, id, request, ct);
                return result.ToOk();
            })
            .WithName(nameof(RejectCredential)).WithSummary("Reject a credential")
            .WithDescription("Admins, with a reason the member is told by mail; the member may submit again. 409 `credential.already_decided`. Audited.").ProducesProblems(400, 401, 403, 404, 409);

        admin.MapPost("/credentials/{id:guid}/revoke", async Task<Results<Ok<CredentialView>, ProblemHttpResult>> (
                Guid id, RevokeCredential.Request request, ClaimsPrincipal user, RevokeCredential.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user, id, request, ct);
                return result.ToOk();
            })
            .WithName(nameof(RevokeCredential)).WithSummary("Revoke a verified credential").ProducesProblems(400, 401, 403, 404, 409)
            .WithDescription("Withdraws a verified credential (with a reason the member is told): verified-only access and the directory listing stop at once.");

        admin.MapPost("/members/{id:guid}/roles", async Task<Results<Ok<SetMemberRoles.Response>, ProblemHttpResult>> (
                Guid id, SetMemberRoles.Request request, ClaimsPrincipal user, SetMemberRoles.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user, id, request, ct);
                return result.ToOk();
            })
            .WithName(nameof(SetMemberRoles)).WithSummary("Set a member's roles")
            .WithDescription("Admins: replaces the member's roles (`organizer`, `admin`); they take effect on the member's next request. 400 `roles.unknown`; 422 `roles.cannot_remove_own_admin`. Audited.").ProducesProblems(400, 401, 403, 404, 422);

        admin.MapPost("/members/{id:guid}/disable", async Task<Results<Ok<DisableMember.Response>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, DisableMember.Handler handler, CancellationToken ct) => (await handler.HandleAsync(user, id, true, ct)).ToOk())
            .WithName(nameof(DisableMember)).WithSummary("Disable a member's account").ProducesProblems(401, 403, 404, 422)
            .WithDescription("The account can no longer sign in, and its sessions end on their next request (401).");
        admin.MapPost("/members/{id:guid}/enable", async Task<Results<Ok<DisableMember.Response>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, DisableMember.Handler handler, CancellationToken ct) => (await handler.HandleAsync(user, id, false, ct)).ToOk())
            .WithName("EnableMember").WithSummary("Enable a member's account again")
            .WithDescription("Admins: a disabled account can sign in again. Audited.").ProducesProblems(401, 403, 404);

        admin.MapGet("/audit-log", async Task<Results<Ok<Page<ListAuditLog.Item>>, ProblemHttpResult>> (
                ListAuditLog.Handler handler, CancellationToken ct, Guid? targetId, string? cursor, int? limit) =>
            {
                if (!Cursor.TryRead(cursor, limit, out var after, out var take, out var problem)) return problem!;
                return TypedResults.Ok(await handler.HandleAsync(targetId, after, take, ct));
            })
            .WithName(nameof(ListAuditLog)).WithSummary("List the audit log").ProducesProblems(400, 401, 403)
            .WithDescription("Admins: who did what to which record, newest first, optionally only the lines about one record (`targetId`); keyset-paginated (`cursor`, `limit` 1 to 100). 400 `request.invalid_cursor` or `request.invalid`.");
    }

    public static void AddAdminPolicy(Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
        => options.AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));
}
