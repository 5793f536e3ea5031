using Microsoft.Extensions.Options;

namespace Assemble.Infrastructure.Email;

/// <summary>The address people reach the API at (<c>App:PublicBaseUrl</c>, e.g. https://assemble.example.org).</summary>
public sealed class AppOptions
{
    public const string Section = "App";

    public string? PublicBaseUrl { get; set; }
}

/// <summary>
/// Builds every link that leaves in mail from <see cref="AppOptions.PublicBaseUrl"/>, never from the request:
/// a forged Host header must not turn a confirmation link into one that hands its code to someone else.
/// </summary>
public sealed class PublicLinks(IOptions<AppOptions> options)
{
    public Uri BaseUrl { get; } = Parse(options.Value.PublicBaseUrl);

    /// <summary>An absolute link to a path of the API (with its query, if any).</summary>
    public string To(string pathAndQuery) => new Uri(BaseUrl, pathAndQuery.TrimStart('/')).ToString();

    /// <summary>The same path and query as <paramref name="link"/>, on the public address.</summary>
    public string Rebase(string link)
        => Uri.TryCreate(link, UriKind.Absolute, out var uri) ? To(uri.PathAndQuery) : To(link);

    public static bool IsValid(string? value) => value is not null && TryParse(value, out _);

    private static Uri Parse(string? value)
        => TryParse(value, out var uri) ? uri : throw new InvalidOperationException("App:PublicBaseUrl must be an absolute https URL (http only on a loopback host).");

    private static bool TryParse(string? value, out Uri uri)
    {
        uri = null!;
        // https, as one-click unsubscribe requires (RFC 8058 §3.1); plain http only on this machine (development, benchmarks).
        if (!Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var parsed)) return false;
        if (parsed.Scheme != Uri.UriSchemeHttps && !(parsed.Scheme == Uri.UriSchemeHttp && parsed.IsLoopback)) return false;
        // A trailing slash makes relative paths append to any path prefix (https://example.org/assemble/).
        uri = new Uri(parsed.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        return true;
    }
}
