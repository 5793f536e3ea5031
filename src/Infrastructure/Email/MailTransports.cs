using System.Net;
using System.Net.Mail;
using System.Net.Sockets;
using System.Text;
using Assemble.Domain.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Assemble.Infrastructure.Email;

/// <summary>The result of handing one message to the transport.</summary>
public enum DeliveryResult { Sent, TemporaryFailure, PermanentFailure }

/// <summary>Where the outbox dispatcher hands messages: SMTP, or the pickup folder when no SMTP host is configured.</summary>
public interface IMailTransport
{
    Task<(DeliveryResult Result, string? Error)> DeliverAsync(OutboxEmail email, CancellationToken cancellationToken);
}

public static class MailMessages
{
    /// <summary>UTF-8 subject and bodies (headers RFC 2047-encoded by System.Net.Mail), and a Message-ID stable per outbox row.</summary>
    public static MailMessage Build(OutboxEmail email, EmailOptions options)
    {
        var message = new MailMessage
        {
            From = new MailAddress(options.FromAddress, options.FromName, Encoding.UTF8),
            Subject = email.Subject,
            SubjectEncoding = Encoding.UTF8,
            Body = email.TextBody,
            BodyEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
        };
        message.To.Add(new MailAddress(email.To));
        message.Headers.Add("Message-ID", email.MessageId(options.FromAddress.Split('@').Last()));
        // Every message has a plain-text part and an HTML part (the HTML is made from the text when none was written).
        message.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(email.HtmlBody ?? Html(email.TextBody), Encoding.UTF8, "text/html"));
        if (email.AttachmentContent is { } content)
        {
            var attachment = new Attachment(new MemoryStream(Encoding.UTF8.GetBytes(content)), email.AttachmentName, email.AttachmentContentType);
            attachment.ContentType.CharSet = "utf-8";
            message.Attachments.Add(attachment);
        }
        return message;
    }

    /// <summary>The text as HTML: escaped, line breaks kept, links clickable.</summary>
    public static string Html(string text)
    {
        var escaped = WebUtility.HtmlEncode(text);
        var linked = System.Text.RegularExpressions.Regex.Replace(escaped, @"https?://[^\s<]+", m => $"<a href=\"{m.Value}\">{m.Value}</a>");
        return $"<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.6\">{linked.Replace("\n", "<br>\n")}</body></html>";
    }
}

/// <summary>SMTP with STARTTLS when configured. 4xx answers, time-outs and refused connections are temporary; 5xx permanent.</summary>
public sealed partial class SmtpTransport(IOptions<SmtpOptions> smtp, IOptions<EmailOptions> email, ILogger<SmtpTransport> logger) : IMailTransport
{
    public async Task<(DeliveryResult, string?)> DeliverAsync(OutboxEmail outbox, CancellationToken cancellationToken)
    {
        var o = smtp.Value;
        using var message = MailMessages.Build(outbox, email.Value);
        using var client = new SmtpClient(o.Host, o.Port)
        {
            EnableSsl = o.EnableSsl,
            Timeout = o.TimeoutMilliseconds,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Credentials = string.IsNullOrEmpty(o.Username) ? null : new NetworkCredential(o.Username, o.Password),
        };
        try
        {
            await client.SendMailAsync(message, cancellationToken);
            return (DeliveryResult.Sent, null);
        }
        catch (SmtpException e)
        {
            var code = (int)e.StatusCode;
            var permanent = code is >= 500 and < 600;
            LogFailure(logger, outbox.Id, code, e.InnerException?.GetType().Name);
            return (permanent ? DeliveryResult.PermanentFailure : DeliveryResult.TemporaryFailure, $"{code} {e.StatusCode}");
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
        {
            LogFailure(logger, outbox.Id, 0, e.GetType().Name);
            return (DeliveryResult.TemporaryFailure, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP delivery of outbox message {MessageId} failed: {Code} {Inner}")]
    private static partial void LogFailure(ILogger logger, Guid messageId, int code, string? inner);
}

/// <summary>Writes each message as an .eml file into the pickup folder (the development default) and logs its path.</summary>
public sealed partial class PickupTransport(IOptions<EmailOptions> options, ILogger<PickupTransport> logger) : IMailTransport
{
    public async Task<(DeliveryResult, string?)> DeliverAsync(OutboxEmail outbox, CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(options.Value.PickupDirectory);
        // SmtpClient names the file itself; writing into a fresh folder tells us which file it wrote.
        var staging = Path.Combine(folder, ".staging", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            using var message = MailMessages.Build(outbox, options.Value);
            using var client = new SmtpClient { DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory, PickupDirectoryLocation = staging };
            await client.SendMailAsync(message, cancellationToken);
            var written = Directory.GetFiles(staging).Single();
            var target = Path.Combine(folder, $"{outbox.CreatedAt:yyyyMMddTHHmmssfff}-{outbox.Id:N}.eml");
            File.Move(written, target, overwrite: true);
            LogWritten(logger, target);
            return (DeliveryResult.Sent, null);
        }
        catch (IOException e)
        {
            return (DeliveryResult.TemporaryFailure, e.GetType().Name);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail written to pickup folder: {Path}")]
    private static partial void LogWritten(ILogger logger, string path);
}
