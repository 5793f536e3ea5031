using System.Collections.Concurrent;
using Npgsql;

namespace Assemble.Infrastructure.Persistence;

/// <summary>
/// Group commit. In a rush every request's guarded seat statement would queue on the event's row lock, each paying
/// for its own lock hand-over and WAL flush while dozens of PostgreSQL backends (and the pool connections they hold)
/// wait. Here the requests of this process join a lane (keys are striped over a fixed set of lanes); whichever
/// request finds its lane free runs everything queued on it in one go — one implicit transaction, one round trip, one
/// flush — and hands each request its own outcome. Requests that arrive meanwhile queue for the next run. Nothing is
/// decided here: <c>execute</c> decides each job as it would alone, in queue order (jobs come sorted by key, queue
/// order within a key), and the database's CHECKs and unique indexes stand behind it. If a run fails (say the same
/// member registered through another process at the same instant), no job pays for another's: each runs again alone
/// and gets its own answer.
/// </summary>
/// <param name="execute">Runs the jobs in one transaction and says, for each, whether it took its seat.</param>
public class GroupCommit<TJob>(Func<IReadOnlyList<TJob>, Task<bool[]>> execute, Func<TJob, Guid> keyOf)
{
    private const int Lanes = 64;

    /// <summary>
    /// At most this many jobs share a transaction: as many as a rush on one process keeps in flight (256 connections
    /// in bench/), so a run takes everyone who queued behind the one before it. Measured against 64: fewer, longer
    /// runs seat the same 1,000 members sooner (median success 150-180 ms -> 110-125 ms).
    /// </summary>
    public const int MaxBatch = 256;

    private readonly Lane[] lanes = Enumerable.Range(0, Lanes).Select(_ => new Lane()).ToArray();
    private long batches;

    private sealed class Lane
    {
        public readonly ConcurrentQueue<Entry> Queue = new();
        public readonly SemaphoreSlim Runner = new(1, 1);
    }

    private sealed class Entry(TJob job)
    {
        public TJob Job { get; } = job;
        public TaskCompletionSource<bool> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>How many shared runs this process has made (for tests and benchmarks).</summary>
    public long Batches => Interlocked.Read(ref batches);

    /// <summary>
    /// Queues the job and says whether it took its seat. It may be executed twice (a failed run is retried one by one);
    /// once queued it runs whatever happens to the caller's request, like any statement already sent.
    /// </summary>
    public async Task<bool> TakeSeatAsync(TJob job)
    {
        var lane = lanes[(keyOf(job).GetHashCode() & int.MaxValue) % Lanes];
        var entry = new Entry(job);
        lane.Queue.Enqueue(entry);
        await lane.Runner.WaitAsync();
        try
        {
            // Ours is queued until a runner takes it, so every turn either finds it done or takes it.
            while (!entry.Outcome.Task.IsCompleted)
            {
                var entries = new List<Entry>();
                while (entries.Count < MaxBatch && lane.Queue.TryDequeue(out var next)) entries.Add(next);
                if (entries.Count == 0) break;
                await RunAsync(entries);
            }
        }
        finally
        {
            lane.Runner.Release();
        }
        return await entry.Outcome.Task;
    }

    private async Task RunAsync(List<Entry> entries)
    {
        Interlocked.Increment(ref batches);
        // Keys in order (queue order within each): two runs never take two event rows in opposite orders.
        var ordered = entries.Count == 1 ? entries : entries.OrderBy(e => keyOf(e.Job)).ToList();
        try
        {
            var taken = await execute(ordered.Select(e => e.Job).ToList());
            for (var i = 0; i < ordered.Count; i++) ordered[i].Outcome.TrySetResult(taken[i]);
        }
        catch (Exception) when (ordered.Count > 1)
        {
            foreach (var entry in ordered)
            {
                try { entry.Outcome.TrySetResult((await execute([entry.Job]))[0]); }
                catch (Exception x) { entry.Outcome.TrySetException(x); }
            }
        }
        catch (Exception x)
        {
            ordered[0].Outcome.TrySetException(x);
        }
    }
}

/// <summary>The seat path's group commit: registrations of one event taken together (<see cref="RegistrationLedger.TakeSeatsAsync"/>).</summary>
public sealed class RegistrationDesk([Microsoft.Extensions.DependencyInjection.FromKeyedServices(DependencyInjection.SeatsDataSource)] NpgsqlDataSource dataSource, CommitClock clock)
    : GroupCommit<RegistrationLedger.SeatRequest>(async requests =>
    {
        var taken = await RegistrationLedger.TakeSeatsAsync(dataSource, requests);
        clock.Tick();
        return taken;
    }, r => r.Registration.EventId);
