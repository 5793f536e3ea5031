using Assemble.Infrastructure.Email;
using Npgsql;

namespace Assemble.Infrastructure.Persistence.Seats;

/// <summary>The seat path's group commit: one-pool registrations of one event taken together (<see cref="SeatStatements.TakeSeatsAsync"/>).</summary>
public static class SeatQueue
{
    public static GroupCommitQueue<SeatStatements.Request> Create(NpgsqlDataSource dataSource, CommitClock clock, IOutboxSignal mailSignal)
        => new(async requests =>
        {
            try
            {
                var taken = await SeatStatements.TakeSeatsAsync(dataSource, requests);
                // One raise for the whole run; the notifier, woken at most every few hundred ms, mails them together.
                if (taken.Any(t => t)) mailSignal.Raise();
                return taken;
            }
            finally
            {
                // Also when the call fails: the commit may have happened before the connection broke. A tick too many costs nothing.
                clock.Tick();
            }
        }, r => r.Registration.EventId);
}
