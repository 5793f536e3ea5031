using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Assemble.Api.Common;
using Assemble.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Assemble.Api.Auth;

public static class AuthEndpoints
{
    /// <summary>ASP.NET Core Identity's own endpoints under /api/auth, with a stable code on every error they give.</summary>
    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var identity = app.MapGroup("/api/auth")
            .WithTags("Auth")
            .MapIdentityApi<AppUser>();
        identity.Add(IdentityOperations.Describe);
        identity.AddEndpointFilter(async (context, next) => RefuseMalformedUserId(context) ?? AddCodes(await InOneTransactionIfSignUp(context, next)));

        // Bearer tokens are self-contained: ending one means changing the account's security stamp, which ends every
        // session of the account (each device signs in again) — access and refresh tokens and cookies alike.
        app.MapPost("/api/auth/logout", async (ClaimsPrincipal user, UserManager<AppUser> users, SignInManager<AppUser> signIn) =>
            {
                if (await users.GetUserAsync(user) is { } account) await users.UpdateSecurityStampAsync(account);
                await signIn.SignOutAsync();
                return TypedResults.NoContent();
            })
            .RequireAuthorization().WithTags("Auth").WithName("Logout").WithSummary("Sign out everywhere").ProducesProblems(401).DisableAntiforgery()
            .WithDescription("Signs out: this session and every other session of the account end (their access and refresh tokens get 401), and the cookie is removed.");
    }

    /// <summary>
    /// Identity looks the user up by the id as given, and a non-GUID failed in the database as a 500: the id in a
    /// confirmation link must be one of ours (a 400 naming it).
    /// </summary>
    private static object? RefuseMalformedUserId(EndpointFilterInvocationContext context)
    {
        var request = context.HttpContext.Request;
        if (!request.Path.Equals("/api/auth/confirmEmail", StringComparison.OrdinalIgnoreCase)) return null;
        return Guid.TryParse(request.Query["userId"].ToString(), out _) ? null : Problems.InvalidField("userId", "Use the link from the e-mail as it is.", "request.malformed");
    }

    /// <summary>Sign-up saves the account and writes its confirmation mail: one transaction, so neither exists without the other.</summary>
    private static async ValueTask<object?> InOneTransactionIfSignUp(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (!HttpMethods.IsPost(request.Method) || !request.Path.Equals("/api/auth/register", StringComparison.OrdinalIgnoreCase)) return await next(context);
        var db = context.HttpContext.RequestServices.GetRequiredService<Assemble.Infrastructure.Persistence.AppDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(context.HttpContext.RequestAborted);
        var result = await next(context);
        if ((result is INestedHttpResult inner ? inner.Result : result) is ValidationProblem { ProblemDetails.Errors: var errors }
            && (errors.ContainsKey("DuplicateUserName") || errors.ContainsKey("DuplicateEmail"))
            && context.Arguments.OfType<Microsoft.AspNetCore.Identity.Data.RegisterRequest>().FirstOrDefault() is { } registration)
        {
            // The same answer as a new sign-up, so the endpoint tells nobody which addresses have accounts; the owner gets a mail.
            var sender = (IdentityEmailSender)context.HttpContext.RequestServices.GetRequiredService<IEmailSender<AppUser>>();
            await sender.SendAlreadyRegisteredAsync(registration.Email);
            result = TypedResults.Ok();
        }
        if ((result is INestedHttpResult nested ? nested.Result : result) is Ok) await transaction.CommitAsync(context.HttpContext.RequestAborted);
        return result;
    }

    private static string HideLockout(ProblemHttpResult problem)
    {
        problem.ProblemDetails.Detail = "Failed";
        return "auth.invalid_credentials";
    }

    private static object? AddCodes(object? result)
    {
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        switch (inner)
        {
            case ProblemHttpResult problem when !problem.ProblemDetails.Extensions.ContainsKey(Problems.CodeKey):
                problem.ProblemDetails.Extensions[Problems.CodeKey] = problem.ProblemDetails.Detail switch
                {
                    // Only accounts that exist can be locked out: the answer is a failed sign-in's, word for word.
                    "LockedOut" => HideLockout(problem),
                    "NotAllowed" => "auth.not_allowed",
                    "RequiresTwoFactor" => "auth.two_factor_required",
                    "Failed" => "auth.invalid_credentials",
                    _ => Problems.DefaultCodeFor(problem.StatusCode),
                };
                problem.ProblemDetails.Title ??= Problems.TitleOf(problem.StatusCode);
                return result;
            case ValidationProblem validation:
                var errors = validation.ProblemDetails.Errors;
                if (errors.ContainsKey("DuplicateUserName") || errors.ContainsKey("DuplicateEmail"))
                {
                    var conflict = new ProblemDetails
                    {
                        Status = StatusCodes.Status409Conflict,
                        Title = Problems.TitleOf(409),
                        Detail = "An account with this e-mail address already exists.",
                    };
                    conflict.Extensions[Problems.CodeKey] = "auth.email_taken";
                    return TypedResults.Problem(conflict);
                }
                validation.ProblemDetails.Extensions[Problems.CodeKey] = errors.Keys.Any(k => k.StartsWith("Password", StringComparison.Ordinal))
                    ? "auth.weak_password"
                    : errors.ContainsKey("InvalidToken") ? "auth.invalid_token" : "auth.invalid";
                return result;
            default:
                return result;
        }
    }
}
