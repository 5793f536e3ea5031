using Microsoft.AspNetCore.Mvc;
using Assemble.Api.Common.OpenApi;

namespace Assemble.Api.Auth;

/// <summary>
/// Names and describes the endpoints MapIdentityApi maps, which cannot be given WithName or WithSummary one by one:
/// a convention on the group finds each by its method and route and adds the metadata the document is built from.
/// </summary>
public static class IdentityOperations
{
    private sealed record Operation(string Name, string Summary, string Description, int[] Problems, (int Status, string MediaType)? Text = null);

    private static readonly Dictionary<(string Method, string Route), Operation> Operations = new()
    {
        [("POST", "/api/auth/register")] = new("Register", "Create an account",
            "Answers 200 to every well-formed sign-up, also when the address already has an account (its owner gets a mail instead): the answer tells nobody which addresses have accounts. A confirmation mail follows, and signing in needs the confirmed address. 400 `auth.weak_password` or `auth.invalid` with field errors; 429 `rate_limited`.",
            [400, 429]),
        [("POST", "/api/auth/login")] = new("Login", "Sign in",
            "Returns a bearer access token and a refresh token; with `?useCookies=true` it sets the Identity cookie instead and answers 200 without a body. 401 `auth.invalid_credentials` alike for a wrong password, an unknown address and a locked-out account; 401 `auth.not_allowed` until the e-mail address is confirmed; 429 `rate_limited`.",
            [400, 401, 429]),
        [("POST", "/api/auth/refresh")] = new("RefreshToken", "Renew the access token",
            "Exchanges a refresh token for a new pair. 401 once the session has ended (signed out, password changed, account disabled or deleted).",
            [400, 401]),
        [("GET", "/api/auth/confirmEmail")] = new("ConfirmEmail", "Confirm your e-mail address",
            "The link from the confirmation mail, as it is. 401 for a wrong or stale code; 400 `request.malformed` for a userId that is not one of ours.",
            [400, 401], (200, "text/plain")),
        [("POST", "/api/auth/resendConfirmationEmail")] = new("ResendConfirmationEmail", "Send the confirmation mail again",
            "Answers 200 whether or not the address has an account. 429 `rate_limited`.",
            [400, 429]),
        [("POST", "/api/auth/forgotPassword")] = new("ForgotPassword", "Ask for a password reset code",
            "Answers 200 to every well-formed address; the code goes by mail to an account's confirmed address. 429 `rate_limited`.",
            [400, 429]),
        [("POST", "/api/auth/resetPassword")] = new("ResetPassword", "Set a new password with a reset code",
            "400 `auth.invalid_token` for a wrong or used code, `auth.weak_password` for a weak password. Every session of the account ends. 429 `rate_limited`.",
            [400, 429]),
        [("POST", "/api/auth/manage/2fa")] = new("ManageTwoFactor", "Set up or change two-factor sign-in",
            "Without a body field it reports the state; with `enable`, `resetSharedKey`, `resetRecoveryCodes` or `forgetMachine` it changes it.",
            [400, 401, 404]),
        [("GET", "/api/auth/manage/info")] = new("GetAccountInfo", "Get your account's e-mail address",
            "The signed-in account's e-mail address and whether it is confirmed.",
            [401, 404]),
        [("POST", "/api/auth/manage/info")] = new("UpdateAccountInfo", "Change your e-mail address or password",
            "A new e-mail address takes effect once confirmed from the mail sent to it; a new password needs the old one.",
            [400, 401, 404]),
    };

    /// <summary>The convention: adds operationId, summary, description and the error responses Identity's own metadata lacks.</summary>
    public static void Describe(EndpointBuilder endpoint)
    {
        if (endpoint is not RouteEndpointBuilder { RoutePattern.RawText: { } route }) return;
        var method = endpoint.Metadata.OfType<IHttpMethodMetadata>().SelectMany(m => m.HttpMethods).FirstOrDefault();
        if (method is null || !Operations.TryGetValue((method, route), out var operation))
            throw new InvalidOperationException($"MapIdentityApi mapped {method} {route}, which IdentityOperations does not describe.");
        // Not an endpoint name: Identity names confirmEmail itself and builds the mailed link from that name.
        endpoint.Metadata.Add(new OperationId(operation.Name));
        endpoint.Metadata.Add(new EndpointSummaryAttribute(operation.Summary));
        endpoint.Metadata.Add(new EndpointDescriptionAttribute(operation.Description));
        if (operation.Text is var (status, mediaType))
            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(string), [mediaType]));
        foreach (var problem in operation.Problems)
            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(problem, typeof(ProblemDetails), ["application/problem+json"]));
    }
}
