using System.Net.Mail;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Assemble.Infrastructure.Email;

/// <summary>
/// Writes each message as an .eml file into the pickup folder with <see cref="SmtpClient"/>'s
/// SpecifiedPickupDirectory mode, and logs the file's path (never the recipient or the body).
/// </summary>
public sealed partial class PickupDirectoryEmailSender(IOptions<EmailOptions> options, ILogger<PickupDirectoryEmailSender> logger) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        var folder = Path.GetFullPath(options.Value.PickupDirectory);
        // SmtpClient names the file itself; writing into a fresh folder tells us which file it wrote.
        var staging = Path.Combine(folder, ".staging", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            using var mail = new MailMessage
            {
                From = new MailAddress(options.Value.FromAddress, options.Value.FromName, Encoding.UTF8),
                Subject = message.Subject,
                SubjectEncoding = Encoding.UTF8,
                Body = message.TextBody,
                BodyEncoding = Encoding.UTF8,
                HeadersEncoding = Encoding.UTF8,
            };
            mail.To.Add(new MailAddress(message.To));
            if (message.HtmlBody is not null)
                mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(message.HtmlBody, Encoding.UTF8, "text/html"));

            using var client = new SmtpClient
            {
                DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory,
                PickupDirectoryLocation = staging,
            };
            await client.SendMailAsync(mail, cancellationToken);

            var written = Directory.GetFiles(staging).Single();
            var target = Path.Combine(folder, $"{DateTime.UtcNow:yyyyMMddTHHmmssfff}-{Path.GetFileName(written)}");
            File.Move(written, target);
            LogWritten(logger, target);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail written to pickup folder: {Path}")]
    private static partial void LogWritten(ILogger logger, string path);
}
