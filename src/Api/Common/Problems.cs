using Microsoft.AspNetCore.Mvc;
using Assemble.Domain.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Assemble.Api.Common;

/// <summary>The one place that turns a domain <see cref="Error"/> into RFC 9457 problem details.</summary>
public static class Problems
{
    public const string CodeKey = "code";

    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => StatusCodes.Status400BadRequest,
        ErrorKind.Rule => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static ProblemHttpResult ToProblem(this Error error)
    {
        var status = StatusOf(error.Kind);
        ProblemDetails details = error.Kind == ErrorKind.Validation || error.Fields.Count > 0
            ? new HttpValidationProblemDetails(error.Fields.ToDictionary(f => f.Key, f => f.Value))
            : new ProblemDetails();
        details.Status = status;
        details.Title = TitleOf(status);
        details.Detail = error.Message;
        details.Extensions[CodeKey] = error.Code;
        return TypedResults.Problem(details);
    }

    /// <summary>200 with the value, or the error as problem details.</summary>
    public static Results<Ok<T>, ProblemHttpResult> ToOk<T>(this Result<T> result)
        => result.IsSuccess ? TypedResults.Ok(result.Value!) : result.Error!.ToProblem();

    /// <summary>A 400 naming one malformed field (query strings, cursors).</summary>
    public static ProblemHttpResult InvalidField(string field, string message, string code = "request.invalid")
        => Error.Validation(code, new Dictionary<string, string[]> { [field] = [message] }).ToProblem();

    public static string TitleOf(int status) => status switch
    {
        400 => "The request is invalid.",
        401 => "Sign in first.",
        403 => "You may not do this.",
        404 => "Not found.",
        405 => "Method not allowed.",
        409 => "Conflict with the current state.",
        413 => "The request body is too large.",
        415 => "Unsupported media type.",
        422 => "A rule prevents this.",
        429 => "Too many requests.",
        503 => "Temporarily unavailable; retry shortly.",
        _ => "An unexpected error occurred.",
    };

    /// <summary>The code a response gets when nothing more specific set one.</summary>
    public static string DefaultCodeFor(int status) => status switch
    {
        400 => "request.invalid",
        401 => "auth.unauthenticated",
        403 => "auth.forbidden",
        404 => "not_found",
        405 => "request.method_not_allowed",
        409 => "conflict",
        413 => "request.too_large",
        415 => "request.unsupported_media_type",
        422 => "rule.violated",
        429 => "rate_limited",
        _ => "server.error",
    };

    /// <summary>Documents the problem responses an endpoint may give.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            if (status == StatusCodes.Status400BadRequest) builder.ProducesValidationProblem();
            else builder.ProducesProblem(status);
        }
        return builder;
    }
}
