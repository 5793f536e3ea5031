namespace Assemble.Infrastructure.Email;

/// <summary>One e-mail to one recipient. The text body is required; the HTML body is optional.</summary>
public sealed record EmailMessage(string To, string Subject, string TextBody, string? HtmlBody = null);

/// <summary>
/// The one seam through which Assemble sends mail. Today it writes .eml files into a pickup folder; the
/// reminders-and-email work puts a transactional outbox and SMTP behind it (MailKit could replace it in one class).
/// </summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default);
}
