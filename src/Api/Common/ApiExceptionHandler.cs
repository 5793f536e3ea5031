using Microsoft.AspNetCore.Mvc;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Assemble.Api.Common;

/// <summary>
/// Maps exceptions to problem details: a client's malformed request is a 400 naming the field, a database
/// uniqueness race a 409, anything else a 500 that reveals nothing. It knows no feature: an endpoint adds words to
/// a field's error through <see cref="FieldNotice"/> metadata.
/// </summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails details;
        switch (exception)
        {
            case BadHttpRequestException bad:
                details = BadRequest(bad);
                if (details is HttpValidationProblemDetails { Errors: var errors })
                    foreach (var notice in context.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetOrderedMetadata<FieldNotice>() ?? [])
                        if (errors.ContainsKey(notice.Field)) details.Extensions[notice.Extension] = notice.Text;
                break;
            case Microsoft.EntityFrameworkCore.DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } }:
            case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }:
                details = new ProblemDetails { Status = StatusCodes.Status409Conflict, Detail = "The same thing was just done by another request." };
                details.Extensions[Problems.CodeKey] = "conflict.duplicate";
                break;
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return true;
            default:
                LogUnhandled(logger, exception.GetType().Name, exception);
                details = new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Detail = "Something went wrong on our side." };
                details.Extensions[Problems.CodeKey] = "server.error";
                break;
        }

        details.Title = Problems.TitleOf(details.Status!.Value);
        context.Response.StatusCode = details.Status.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = exception });
    }

    private static ProblemDetails BadRequest(BadHttpRequestException bad)
    {
        var status = bad.StatusCode;
        if (status != StatusCodes.Status400BadRequest)
        {
            var other = new ProblemDetails { Status = status, Detail = Problems.TitleOf(status) };
            other.Extensions[Problems.CodeKey] = Problems.DefaultCodeFor(status);
            return other;
        }

        var field = bad.InnerException is JsonException json ? FieldOf(json) : ParameterOf(bad.Message);
        var message = bad.InnerException switch
        {
            Json.JsonRuleException rule => rule.Message,
            JsonException j when j.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal) => "Unknown field.",
            JsonException j when j.Message.Contains("missing required properties", StringComparison.Ordinal) => "Required.",
            JsonException => "Invalid value.",
            _ when bad.Message.Contains("was not provided", StringComparison.Ordinal) => "A request body or parameter is missing.",
            _ when ParameterOf(bad.Message) is not null => "Invalid value.",
            _ => "The request could not be read.",
        };
        var details = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field ?? "$"] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Detail = bad.InnerException is JsonException ? "The request body is not valid JSON for this operation." : message,
        };
        details.Extensions[Problems.CodeKey] = "request.malformed";
        return details;
    }

    /// <summary>The JSON field an exception is about, as the Domain names fields: "$.ticketTypes[0].name" → "ticketTypes[0].name".</summary>
    private static string? FieldOf(JsonException json)
    {
        var unknown = UnmappedProperty().Match(json.Message);
        if (unknown.Success) return unknown.Groups[1].Value;
        var missing = MissingProperties().Match(json.Message);
        if (missing.Success) return missing.Groups[1].Value;
        var path = json.Path;
        if (string.IsNullOrEmpty(path) || path == "$") return null;
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    /// <summary>The parameter a binding failure names: 'Failed to bind parameter "int? limit" from "abc".' → "limit".</summary>
    private static string? ParameterOf(string message)
    {
        var match = BindFailure().Match(message);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("""parameter "(?:[^"]*\s)?(\w+)" (?:from|was not provided)""")]
    private static partial Regex BindFailure();

    [GeneratedRegex("missing required properties[^']*'([^']+)'")]
    private static partial Regex MissingProperties();

    [GeneratedRegex("The JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnmappedProperty();

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled {ExceptionType}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, Exception exception);
}
