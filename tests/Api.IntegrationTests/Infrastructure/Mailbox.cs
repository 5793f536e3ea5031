using System.Text;
using System.Text.RegularExpressions;

namespace Assemble.Api.IntegrationTests.Infrastructure;

/// <summary>Reads the .eml files the API wrote into its pickup folder (the e-mail seam's network boundary for now).</summary>
public static partial class Mailbox
{
    public sealed record Mail(string To, string Subject, string Text);

    public static IReadOnlyList<Mail> Read(string folder)
        => Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.eml").Order().Select(f => Parse(File.ReadAllText(f))).ToList()
            : [];

    public static async Task<Mail> WaitForAsync(string folder, string to, Func<Mail, bool>? match = null, TimeSpan? timeout = null)
    {
        var tries = (int)((timeout ?? TimeSpan.FromSeconds(5)).TotalMilliseconds / 100);
        for (var i = 0; i < tries; i++)
        {
            var mail = Read(folder).LastOrDefault(m => m.To.Equals(to, StringComparison.OrdinalIgnoreCase) && (match?.Invoke(m) ?? true));
            if (mail is not null) return mail;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"No mail to {to} in {folder}.");
    }

    public static string Link(Mail mail, string pathPart)
        => LinkPattern().Matches(mail.Text).Select(m => m.Value).First(l => l.Contains(pathPart, StringComparison.Ordinal));

    private static Mail Parse(string eml)
    {
        var headerEnd = eml.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = eml[..headerEnd].Replace("\r\n ", " ");
        var to = Regex.Match(headers, @"^To: (.+)$", RegexOptions.Multiline).Groups[1].Value.Trim();
        var subject = string.Concat(Regex.Matches(Regex.Match(headers, @"^Subject: (.+)$", RegexOptions.Multiline).Groups[1].Value, @"=\?utf-8\?B\?([^?]+)\?=", RegexOptions.IgnoreCase)
            .Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[1].Value))));
        // The text/plain part, base64-encoded by System.Net.Mail.
        var part = Regex.Match(eml, @"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n(\r\n|--)", RegexOptions.Singleline);
        var body = part.Success
            ? part.Groups[1].Value
            : headers.Contains("Content-Transfer-Encoding: base64", StringComparison.OrdinalIgnoreCase) ? eml[(headerEnd + 4)..] : "";
        var text = Encoding.UTF8.GetString(Convert.FromBase64String(body.Replace("\r\n", "").Trim()));
        return new Mail(to, subject, text);
    }

    [GeneratedRegex(@"https?://[^\s]+")]
    private static partial Regex LinkPattern();
}
