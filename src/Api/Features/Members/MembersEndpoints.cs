using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Members;
using Microsoft.AspNetCore.Http.HttpResults;
using Assemble.Api.Common.OpenApi;

namespace Assemble.Api.Features.Members;

public static class MembersEndpoints
{
    public static IServiceCollection AddMembers(this IServiceCollection services) => services
        .AddScoped<Viewers>()
        .AddScoped<GetMyProfile.Handler>()
        .AddScoped<UpdateMyProfile.Handler>()
        .AddScoped<GetMemberProfile.Handler>()
        .AddScoped<ListMembers.Handler>();

    public static void MapMembersEndpoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me").WithTags("Members").RequireAuthorization();
        me.MapGet("/profile", async (ClaimsPrincipal user, GetMyProfile.Handler handler, CancellationToken ct)
                => TypedResults.Ok(await handler.HandleAsync(user, ct)))
            .WithName(nameof(GetMyProfile)).WithSummary("Get your profile").ProducesProblems(401)
            .WithDescription("Any signed-in member: every field of your own profile with its visibility setting, your roles, e-mail status and verified professions. profileComplete is false until the first PUT.");
        me.MapPut("/profile", async Task<Results<Ok<GetMyProfile.Response>, ProblemHttpResult>> (
                ClaimsPrincipal user, UpdateMyProfile.Request request, UpdateMyProfile.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user, request, ct);
                return result.ToOk();
            })
            .WithName(nameof(UpdateMyProfile)).WithSummary("Update your profile").ProducesProblems(400, 401)
            .WithDescription("Replaces the whole profile: a field left out is cleared. Only displayName is required. visibility says, per field, "
                + "who sees it (public, members, verifiedProfessionals, onlyMe); hidden keeps the profile out of lists and answers 404 to others.")
            .WithBodyExample("""
                {"displayName": "山田 花子", "nameKana": "やまだ はなこ", "professions": ["clinicalPsychologist"],
                 "organisation": "こころの相談室", "prefecture": "osaka", "bio": "児童・思春期の心理支援をしています。",
                 "interests": ["トラウマ", "家族支援"], "preferredLanguage": "ja",
                 "visibility": {"organisation": "members", "bio": "public"}, "hidden": false}
                """);

        var members = app.MapGroup("/api/members").WithTags("Members");
        members.MapGet("/{id:guid}", async Task<Results<Ok<MemberProfileView>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, GetMemberProfile.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user, id, ct);
                return result.ToOk();
            })
            .WithName(nameof(GetMemberProfile)).WithSummary("Get a member's profile").ProducesProblems(404)
            .WithDescription("Public fields for anonymous callers; more for members and verified professionals, as each member chose.");
        members.MapGet("/", async Task<Results<Ok<Page<MemberProfileView>>, ProblemHttpResult>> (
                ClaimsPrincipal user, ListMembers.Handler handler, CancellationToken ct,
                string? profession, string? prefecture, string? q, string? cursor, int? limit) =>
            {
                if (!Cursor.TryRead(cursor, limit, out var after, out var take, out var problem)) return problem!;
                if (!QueryValues.TryEnum<Profession>(profession, "profession", out var wantedProfession, out problem)) return problem!;
                if (!QueryValues.TryEnum<Prefecture>(prefecture, "prefecture", out var wantedPrefecture, out problem)) return problem!;
                if (q?.Length > 100) return Problems.InvalidField("q", "Use at most 100 characters.");
                return TypedResults.Ok(await handler.HandleAsync(user, new ListMembers.Query(wantedProfession, wantedPrefecture, q, after, take), ct));
            })
            .RequireAuthorization()
            .WithName(nameof(ListMembers)).WithSummary("List members").ProducesProblems(400, 401)
            .WithDescription("Signed-in members: the directory, newest first, keyset-paginated (`cursor`, `limit` 1 to 100). Each profile shows only the fields its member lets you see, and the filters (profession, prefecture, q) only match those fields; hidden profiles are left out. Admins see every profile, and each read goes to that member's access log. 400 `request.invalid` for an unknown profession or prefecture or a q over 100 characters, `request.invalid_cursor`.");
    }
}
