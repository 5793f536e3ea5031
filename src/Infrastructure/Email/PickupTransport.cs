using Assemble.Domain.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Assemble.Infrastructure.Email;

/// <summary>
/// Writes each message as an .eml file into the pickup folder (the development default), through a temporary
/// file renamed into place so a reader never sees half a message. A row that cannot be built fails alone.
/// </summary>
public sealed partial class PickupTransport(IOptions<EmailOptions> options, ILogger<PickupTransport> logger) : IMailTransport
{
    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(IReadOnlyList<OutboxEmail> batch, CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(options.Value.PickupDirectory);
        Directory.CreateDirectory(folder);
        var outcomes = new DeliveryOutcome[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var outbox = batch[i];
            if (!MimeMessageFactory.TryBuild(outbox, options.Value, out var message, out var failure))
            {
                outcomes[i] = failure;
                continue;
            }
            var target = Path.Combine(folder, $"{outbox.CreatedAt:yyyyMMddTHHmmssfff}-{outbox.Id:N}.eml");
            var temporary = target + ".tmp";
            try
            {
                await message.WriteToAsync(temporary, cancellationToken);
                File.Move(temporary, target, overwrite: true);
                LogWritten(logger, target);
                outcomes[i] = DeliveryOutcome.Sent;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                outcomes[i] = DeliveryOutcome.Temporary($"{e.GetType().Name}: {e.Message}");
            }
        }
        return outcomes;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail written to pickup folder: {Path}")]
    private static partial void LogWritten(ILogger logger, string path);
}
