namespace Assemble.Domain.Common;

/// <summary>
/// The rule for text that ends up in a mail header or a calendar's one-line property (event and session titles,
/// display names, subjects of organizers' messages): one line, with no control character at all.
/// </summary>
public static class SingleLineText
{
    public const string Problem = "Use one line: no line breaks, tabs or other control characters.";

    public static bool IsSingleLine(string text)
    {
        foreach (var c in text)
            if (char.IsControl(c) || c is '\u2028' or '\u2029') return false;
        return true;
    }
}
