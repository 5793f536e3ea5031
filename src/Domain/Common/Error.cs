namespace Assemble.Domain.Common;

/// <summary>What kind of failure an <see cref="Error"/> is; the API maps each kind to one HTTP status.</summary>
public enum ErrorKind
{
    /// <summary>The input is malformed or incomplete (400).</summary>
    Validation,
    /// <summary>The input is well formed but breaks a rule (422).</summary>
    Rule,
    /// <summary>Missing, or not the caller's to see (404).</summary>
    NotFound,
    /// <summary>Visible, but the caller may not do this (403).</summary>
    Forbidden,
    /// <summary>Clashes with the current state (409).</summary>
    Conflict,
    /// <summary>A service we depend on did not answer in time; nothing was lost and the same request can be retried (503).</summary>
    Unavailable,
}

/// <summary>An expected failure with a stable, machine-readable code such as <c>credential.already_decided</c>.</summary>
public sealed record Error(string Code, string Message, ErrorKind Kind)
{
    /// <summary>Field errors keyed by the JSON field name (camelCase), for <see cref="ErrorKind.Validation"/>.</summary>
    public IReadOnlyDictionary<string, string[]> Fields { get; init; } = EmptyFields;

    private static readonly IReadOnlyDictionary<string, string[]> EmptyFields = new Dictionary<string, string[]>();

    public static Error Validation(string code, IReadOnlyDictionary<string, string[]> fields, string message = "The request has invalid fields.")
        => new(code, message, ErrorKind.Validation) { Fields = fields };
}
