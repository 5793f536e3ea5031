namespace Assemble.Infrastructure.Email;

/// <summary>
/// Says "mail was committed and is due now". Writers call it after their commit (EF Core through
/// <see cref="OutboxSignal.Watcher"/>, the seat path's raw batches themselves); the host wakes the dispatcher on it.
/// Raising it costs one interlocked exchange, so the registration hot path can raise it on every commit.
/// </summary>
public interface IOutboxSignal
{
    void Raise();
}
