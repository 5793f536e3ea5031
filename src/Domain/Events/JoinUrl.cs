namespace Assemble.Domain.Events;

/// <summary>
/// The rule for an online event's join address: an absolute https URL of at most 500 characters with no space or
/// control character, so that it can travel in mail, in a calendar's URL property and in a browser unchanged.
/// </summary>
public static class JoinUrl
{
    public const int MaxLength = 500;

    public const string Problem = "Use an https:// address of at most 500 characters, without spaces.";

    public static bool IsValid(string url)
        => url.Length <= MaxLength
           && !url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
           && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
}
