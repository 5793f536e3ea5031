using System.Collections.Concurrent;

namespace Assemble.Infrastructure.Persistence.Seats;

/// <summary>
/// Group commit. In a rush every request's guarded seat statement would queue on the event's row lock, each paying
/// for its own lock hand-over and WAL flush while dozens of PostgreSQL backends (and the pool connections they hold)
/// wait. Here the requests of this process join a lane (keys are striped over a fixed set of lanes); the request that
/// finds its lane idle starts a loop that runs what is queued there, up to <see cref="MaxBatch"/> at a time — one
/// implicit transaction, one round trip, one flush — hands each request its own outcome, and goes on with what queued
/// meanwhile until the lane is empty. Nothing is
/// decided here: <c>execute</c> decides each job as it would alone, in queue order (jobs come sorted by key, queue
/// order within a key), and the database's CHECKs and unique indexes stand behind it. If a run fails (say the same
/// member registered through another process at the same instant), no job pays for another's: the run is split
/// until the failing job runs alone and gets its own answer.
/// </summary>
/// <param name="execute">Runs the jobs in one transaction and says, for each, whether it took its seat.</param>
public sealed class GroupCommitQueue<TJob>(Func<IReadOnlyList<TJob>, Task<bool[]>> execute, Func<TJob, Guid> keyOf)
{
    private const int Lanes = 64;

    /// <summary>
    /// At most this many jobs share a transaction: as many as a rush on one process keeps in flight, so a run takes
    /// everyone who queued behind the one before it (the measurements are in docs/decisions/0005).
    /// </summary>
    public const int MaxBatch = 256;

    private readonly Lane[] lanes = Enumerable.Range(0, Lanes).Select(_ => new Lane()).ToArray();
    private long batches;

    private sealed class Lane
    {
        public readonly ConcurrentQueue<Entry> Queue = new();

        /// <summary>1 while a drain loop runs on this lane.</summary>
        public int Draining;
    }

    private sealed class Entry(TJob job)
    {
        public TJob Job { get; } = job;
        public TaskCompletionSource<bool> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>How many shared runs this process has made (for tests and benchmarks).</summary>
    public long Batches => Interlocked.Read(ref batches);

    /// <summary>
    /// Queues the job and says whether it took its seat. It may be executed more than once (a failed run is split and run again);
    /// once queued it runs whatever happens to the caller's request, like any statement already sent.
    /// </summary>
    public Task<bool> TakeSeatAsync(TJob job)
    {
        var lane = LaneOf(keyOf(job));
        var entry = new Entry(job);
        lane.Queue.Enqueue(entry);
        if (Interlocked.CompareExchange(ref lane.Draining, 1, 0) == 0)
        {
            // The loop outlives this request and runs everyone's jobs: it must not carry this request's context
            // (its trace, its log scopes) into them.
            using (ExecutionContext.SuppressFlow()) _ = DrainAsync(lane);
        }
        return entry.Outcome.Task;
    }

    /// <summary>How many jobs wait on the lane of <paramref name="key"/>, not counting a run in progress (for tests).</summary>
    public int Queued(Guid key) => LaneOf(key).Queue.Count;

    private Lane LaneOf(Guid key) => lanes[(key.GetHashCode() & int.MaxValue) % Lanes];

    /// <summary>
    /// Runs what is queued on the lane, run after run, until it is empty. The next run starts on the thread that
    /// finished the one before, as soon as it has handed out the outcomes: handing the lane to a waiting request
    /// instead goes through the thread pool's queue, behind the answers just released, and leaves the lane idle.
    /// </summary>
    private async Task DrainAsync(Lane lane)
    {
        while (true)
        {
            var entries = new List<Entry>();
            while (entries.Count < MaxBatch && lane.Queue.TryDequeue(out var next)) entries.Add(next);
            if (entries.Count == 0)
            {
                // A full fence (not a volatile write): the look at the queue below must not be read before the flag is
                // seen cleared, or a job queued in between would find the flag set and nobody would run it.
                Interlocked.Exchange(ref lane.Draining, 0);
                // A job queued after the last look found the loop still running and left it to us.
                if (lane.Queue.IsEmpty || Interlocked.CompareExchange(ref lane.Draining, 1, 0) != 0) return;
                continue;
            }
            try
            {
                await RunAsync(entries);
            }
            catch (Exception x)
            {
                // RunInOrderAsync hands every failure to its jobs already; this only keeps the lane going whatever happens.
                foreach (var entry in entries) entry.Outcome.TrySetException(x);
            }
        }
    }

    private Task RunAsync(List<Entry> entries)
    {
        Interlocked.Increment(ref batches);
        // Keys in order (queue order within each): two runs never take two event rows in opposite orders.
        return RunInOrderAsync(entries.Count == 1 ? entries : entries.OrderBy(e => keyOf(e.Job)).ToList());
    }

    /// <summary>
    /// A failed run is split in halves, each run again (the first half first, so queue order holds): the job that
    /// failed ends up alone with its own error in a handful of runs, instead of every job of a 256-job run queueing for a
    /// transaction of its own.
    /// </summary>
    private async Task RunInOrderAsync(List<Entry> ordered)
    {
        try
        {
            var taken = await execute(ordered.Select(e => e.Job).ToList());
            for (var i = 0; i < ordered.Count; i++) ordered[i].Outcome.TrySetResult(taken[i]);
        }
        catch (Exception) when (ordered.Count > 1)
        {
            var half = ordered.Count / 2;
            await RunInOrderAsync(ordered[..half]);
            await RunInOrderAsync(ordered[half..]);
        }
        catch (Exception x)
        {
            ordered[0].Outcome.TrySetException(x);
        }
    }
}
