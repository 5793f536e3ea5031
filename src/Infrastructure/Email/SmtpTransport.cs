using Assemble.Domain.Common;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Assemble.Infrastructure.Email;

/// <summary>
/// Sends a batch over one SMTP connection (MailKit), opened when the first message is ready and closed after the
/// last. Each message fails alone: one that cannot be built or that the server refuses with 5xx is permanent, a
/// 4xx is temporary. A server that cannot be reached, hangs past the time-out or drops the connection leaves the
/// rest of the batch to be retried later (one reconnect is tried after a dropped connection).
/// </summary>
public sealed partial class SmtpTransport(IOptions<SmtpOptions> smtp, IOptions<EmailOptions> email, ILogger<SmtpTransport> logger) : IMailTransport
{
    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(IReadOnlyList<OutboxEmail> batch, CancellationToken cancellationToken)
    {
        var o = smtp.Value;
        var outcomes = new DeliveryOutcome[batch.Count];
        using var client = new SmtpClient { Timeout = o.TimeoutMilliseconds };
        if (o.CertificateSha256 is { Length: > 0 } pinned)
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) => errors == System.Net.Security.SslPolicyErrors.None
                || (certificate is not null && string.Equals(certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), pinned.Replace(":", ""), StringComparison.OrdinalIgnoreCase));
        string? unreachable = null;
        var reconnects = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (!MimeMessageFactory.TryBuild(batch[i], email.Value, out var message, out var failure))
            {
                LogUnbuildable(logger, batch[i].Id);
                outcomes[i] = failure;
                continue;
            }
            if (unreachable is not null)
            {
                outcomes[i] = DeliveryOutcome.Unavailable(unreachable);
                continue;
            }
            try
            {
                if (!client.IsConnected) await ConnectAsync(client, o, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever stops the connection (refused, a hang, a TLS handshake or a certificate refused,
                // authentication refused) is the server's or the configuration's fault, not the message's: keep
                // the mail for a retry, and do not try again for each message of this batch.
                unreachable = $"SMTP server not available: {Describe(e)}";
                LogFailure(logger, batch[i].Id, e.GetType().Name);
                outcomes[i] = DeliveryOutcome.Unavailable(unreachable);
                continue;
            }
            try
            {
                MimeMessageFactory.UseReadableEncoding(message, client.Capabilities.HasFlag(SmtpCapabilities.EightBitMime));
                await client.SendAsync(message, cancellationToken);
                outcomes[i] = DeliveryOutcome.Sent;
            }
            catch (SmtpCommandException e)
            {
                var code = (int)e.StatusCode;
                var error = $"{code} {e.Message}";
                // The server's text may name the recipient: it goes to the row (admins), not to the log.
                LogFailure(logger, batch[i].Id, $"{code} {e.ErrorCode}");
                if (RefusesUs(e))
                {
                    // Our sender, relaying or login refused: a configuration fault, which would kill every message
                    // if taken as permanent. All of them wait until it is fixed.
                    unreachable = $"SMTP server refuses this sender: {error}";
                    outcomes[i] = DeliveryOutcome.Unavailable(unreachable);
                }
                else outcomes[i] = code is >= 500 and < 600 ? DeliveryOutcome.Permanent(error) : DeliveryOutcome.Temporary(error);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Anything but a command's answer (a dropped connection, a time-out, a protocol error) may have
                // left the connection unusable: the message waits for a retry, and the next one reconnects.
                var error = $"SMTP connection lost: {Describe(e)}";
                LogFailure(logger, batch[i].Id, e.GetType().Name);
                outcomes[i] = DeliveryOutcome.Temporary(error);
                await DisconnectQuietlyAsync(client);
                // A server that drops the connection again right away is treated as unreachable for this batch.
                if (++reconnects > 1) unreachable = error;
            }
        }
        await DisconnectQuietlyAsync(client);
        return outcomes;
    }

    private static async Task ConnectAsync(SmtpClient client, SmtpOptions o, CancellationToken cancellationToken)
    {
        var security = o.EffectiveSecurity switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(o.Host ?? "localhost", o.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(o.Username)) await client.AuthenticateAsync(o.Username, o.Password ?? "", cancellationToken);
    }


    /// <summary>Refusals of us rather than of the message: MAIL FROM refused, 530 (authentication required), or an RFC 3463 5.7.x (security or policy) answer to anything but a recipient.</summary>
    private static bool RefusesUs(SmtpCommandException e)
        => e.ErrorCode == SmtpErrorCode.SenderNotAccepted
           || (int)e.StatusCode == 530
           || (e.ErrorCode != SmtpErrorCode.RecipientNotAccepted && e.Message.StartsWith("5.7.", StringComparison.Ordinal));

    private static string Describe(Exception e) => e is SmtpCommandException c ? $"{(int)c.StatusCode} {c.Message}" : $"{e.GetType().Name}: {e.Message}";

    private static async Task DisconnectQuietlyAsync(SmtpClient client)
    {
        if (!client.IsConnected) return;
        try
        {
            using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.DisconnectAsync(true, quit.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // QUIT is a courtesy; the messages' outcomes are already known.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP delivery of outbox message {MessageId} failed: {Error}")]
    private static partial void LogFailure(ILogger logger, Guid messageId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {MessageId} cannot be built; it is dead with its reason, and the rest of the batch goes on.")]
    private static partial void LogUnbuildable(ILogger logger, Guid messageId);
}
