using Assemble.Domain.Common;

namespace Assemble.Infrastructure.Email;

/// <summary>The result of handing one message to the transport.</summary>
public enum DeliveryResult
{
    Sent,
    TemporaryFailure,
    PermanentFailure,
    /// <summary>Temporary, and not the message's fault: the server cannot be reached or refuses us (sender, relay, login). Sending stops until the next run.</summary>
    ServerUnavailable,
}

/// <summary>What became of one message of a batch; <see cref="Error"/> says why when it was not sent.</summary>
public sealed record DeliveryOutcome(DeliveryResult Result, string? Error)
{
    public static readonly DeliveryOutcome Sent = new(DeliveryResult.Sent, null);
    public static DeliveryOutcome Temporary(string error) => new(DeliveryResult.TemporaryFailure, error);
    public static DeliveryOutcome Permanent(string error) => new(DeliveryResult.PermanentFailure, error);
    public static DeliveryOutcome Unavailable(string error) => new(DeliveryResult.ServerUnavailable, error);
}

/// <summary>
/// Where the outbox dispatcher hands messages: SMTP, or the pickup folder when no SMTP host is configured.
/// A batch gets one outcome per message, in order; a message that cannot be built or is refused fails alone.
/// </summary>
public interface IMailTransport
{
    Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(IReadOnlyList<OutboxEmail> batch, CancellationToken cancellationToken);
}
