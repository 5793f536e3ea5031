using System.Text.RegularExpressions;
using MimeKit;

namespace Assemble.Api.IntegrationTests.Infrastructure;

/// <summary>Reads the .eml files the API wrote into its pickup folder, parsed by MimeKit as a mail client would.</summary>
public static partial class Mailbox
{
    public sealed record Mail(string To, string Subject, string Text, MimeMessage Message, string Raw);

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

    /// <summary>Parses a raw message (a pickup file, or what an SMTP server received).</summary>
    public static Mail Parse(string raw)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw));
        var message = MimeMessage.Load(stream);
        var to = message.To.Mailboxes.Single().Address;
        return new Mail(to, message.Subject ?? "", (message.TextBody ?? "").Replace("\r\n", "\n"), message, raw);
    }

    [GeneratedRegex(@"https?://[^\s]+")]
    private static partial Regex LinkPattern();
}
