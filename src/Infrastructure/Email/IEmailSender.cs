namespace Assemble.Infrastructure.Email;

/// <summary>One e-mail to one recipient. The text body is required; the HTML body is optional.</summary>
public sealed record EmailMessage(string To, string Subject, string TextBody, string? HtmlBody = null, bool Essential = true);

/// <summary>
/// The one seam through which Assemble sends mail: <see cref="OutboxEmailSender"/> writes an outbox row; the
/// dispatcher hands it to SMTP or the pickup folder (MailKit could replace the transport in one class).
/// </summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default);
}
