using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Assemble.Domain.Common;
using MimeKit;

namespace Assemble.Infrastructure.Email;

/// <summary>
/// Builds the MIME message of an outbox row: UTF-8 headers (RFC 2047), a plain-text and an HTML part, the .ics
/// attachment, a Message-ID stable per row, and List-Unsubscribe (RFC 2369, one-click per RFC 8058) for mail a
/// member can turn off. Throws for a row that cannot be a message (a malformed recipient): the dispatcher fails
/// that row alone.
/// </summary>
public static partial class MimeMessageFactory
{
    /// <summary>RFC 5322's limit on a line, in octets, without its CRLF; longer lines must be quoted-printable.</summary>
    private const int MaxLineOctets = 998;

    public static MimeMessage Build(OutboxEmail email, EmailOptions options)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(options.FromName, options.FromAddress));
        message.To.Add(MailboxAddress.Parse(ParserOptions.Default, email.To));
        // A header is one line: a line break in a stored subject (rows from before the API refused them) becomes a space.
        message.Subject = ControlCharacters().Replace(email.Subject, " ");
        message.MessageId = email.MessageId(Domain(options)).Trim('<', '>');
        message.Date = email.CreatedAt;
        if (email.UnsubscribeUrl is { } unsubscribe)
        {
            message.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }

        var body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody ?? Html(email.TextBody) };
        if (email.AttachmentContent is { } content)
        {
            var type = ContentType.Parse(email.AttachmentContentType ?? "application/octet-stream");
            type.Charset = "utf-8";
            body.Attachments.Add(email.AttachmentName ?? "attachment", Encoding.UTF8.GetBytes(content), type);
        }
        message.Body = body.ToMessageBody();
        UseReadableEncoding(message, eightBitAllowed: true);
        return message;
    }

    /// <summary>
    /// The message of a row, or — for a row that cannot be one — the permanent failure that row gets alone, so the
    /// rest of its batch goes on.
    /// </summary>
    public static bool TryBuild(OutboxEmail email, EmailOptions options,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MimeMessage? message,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out DeliveryOutcome? failure)
    {
        try
        {
            (message, failure) = (Build(email, options), null);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            (message, failure) = (null, DeliveryOutcome.Permanent($"The message could not be built: {e.GetType().Name}: {e.Message}"));
            return false;
        }
    }

    /// <summary>
    /// Text parts travel as 8bit where the receiver takes it (readable in any editor) and as quoted-printable
    /// otherwise, never base64, which MimeKit would choose for mostly-Japanese text.
    /// </summary>
    public static void UseReadableEncoding(MimeMessage message, bool eightBitAllowed)
    {
        foreach (var part in message.BodyParts.OfType<TextPart>())
        {
            var text = part.Text;
            var longest = text.Split('\n').Max(line => Encoding.UTF8.GetByteCount(line.TrimEnd('\r')));
            part.ContentTransferEncoding = eightBitAllowed && longest <= MaxLineOctets ? ContentEncoding.EightBit : ContentEncoding.QuotedPrintable;
        }
    }

    /// <summary>The text as HTML: escaped, line breaks kept, links clickable.</summary>
    public static string Html(string text)
    {
        var escaped = WebUtility.HtmlEncode(text);
        var linked = Links().Replace(escaped, m => $"<a href=\"{m.Value}\">{m.Value}</a>");
        return $"<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.6\">{linked.Replace("\n", "<br>\n")}</body></html>";
    }

    public static string Domain(EmailOptions options) => options.FromAddress.Split('@').Last();

    [GeneratedRegex(@"https?://[^\s<]+")]
    private static partial Regex Links();

    [GeneratedRegex(@"[\p{Cc}\u2028\u2029]+")]
    private static partial Regex ControlCharacters();
}
