using System.Collections.Concurrent;
using Npgsql;

namespace Assemble.Infrastructure.Persistence;

/// <summary>
/// Group commit for the one-statement seat path. In a rush every request's guarded statements would queue on the
/// event's row lock, each paying for its own lock hand-over and WAL flush while dozens of PostgreSQL backends (and the
/// pool connections they hold) wait. Here the requests of this process join a lane (events are striped over a fixed
/// set of lanes); whichever request finds the lane free runs everything queued on it as one batch — one implicit
/// transaction, one round trip, one flush — and hands each request its own outcome. Requests that arrive meanwhile
/// queue for the next batch. Nothing is decided here: each registration's own guarded statement decides for it, in
/// queue order, exactly as it would alone, and the CHECKs and the unique index stand behind them.
/// If a batch fails (say the same member registered through another process at the same instant), no request pays
/// for another's: each of its registrations runs again alone and gets its own answer.
/// </summary>
public sealed class RegistrationDesk(NpgsqlDataSource dataSource)
{
    private const int Lanes = 64;

    /// <summary>At most this many registrations share a transaction (about 1 MB of statements with their mail).</summary>
    public const int MaxBatch = 64;

    private readonly Lane[] lanes = Enumerable.Range(0, Lanes).Select(_ => new Lane()).ToArray();

    private sealed class Lane
    {
        public readonly ConcurrentQueue<Job> Queue = new();
        public readonly SemaphoreSlim Runner = new(1, 1);
    }

    private sealed class Job(Guid eventId, Func<IReadOnlyList<NpgsqlBatchCommand>> build)
    {
        public Guid EventId { get; } = eventId;
        public Func<IReadOnlyList<NpgsqlBatchCommand>> Build { get; } = build;
        public TaskCompletionSource<bool> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>How many batches this process has run (for tests and benchmarks).</summary>
    public long Batches => Interlocked.Read(ref batches);

    private long batches;

    /// <summary>
    /// Runs the statements <paramref name="build"/> makes (its first one takes the seat and affects one row exactly
    /// when it did; any others must be conditional on it) in a transaction shared with other registrations, and says whether the
    /// seat was taken. <paramref name="build"/> may be called twice (a failed batch is retried one by one); the
    /// statements run whatever happens to the caller's request once queued, like any statement already sent.
    /// </summary>
    public async Task<bool> TakeSeatAsync(Guid eventId, Func<IReadOnlyList<NpgsqlBatchCommand>> build)
    {
        var lane = lanes[(eventId.GetHashCode() & int.MaxValue) % Lanes];
        var job = new Job(eventId, build);
        lane.Queue.Enqueue(job);
        await lane.Runner.WaitAsync();
        try
        {
            // Ours is queued until a runner takes it, so every turn either finds it done or takes it.
            while (!job.Outcome.Task.IsCompleted)
            {
                var jobs = new List<Job>();
                while (jobs.Count < MaxBatch && lane.Queue.TryDequeue(out var next)) jobs.Add(next);
                if (jobs.Count == 0) break;
                await RunAsync(jobs);
            }
        }
        finally
        {
            lane.Runner.Release();
        }
        return await job.Outcome.Task;
    }

    private async Task RunAsync(List<Job> jobs)
    {
        Interlocked.Increment(ref batches);
        // Events in id order (queue order within each): two batches never take two event rows in opposite orders.
        var ordered = jobs.Count == 1 ? jobs : jobs.OrderBy(j => j.EventId).ToList();
        try
        {
            var taken = await ExecuteAsync(ordered);
            for (var i = 0; i < ordered.Count; i++) ordered[i].Outcome.TrySetResult(taken[i]);
        }
        catch (Exception) when (ordered.Count > 1)
        {
            foreach (var job in ordered)
            {
                try { job.Outcome.TrySetResult((await ExecuteAsync([job]))[0]); }
                catch (Exception x) { job.Outcome.TrySetException(x); }
            }
        }
        catch (Exception x)
        {
            ordered[0].Outcome.TrySetException(x);
        }
    }

    private async Task<bool[]> ExecuteAsync(IReadOnlyList<Job> jobs)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        var seats = new NpgsqlBatchCommand[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            var commands = jobs[i].Build();
            seats[i] = commands[0];
            foreach (var command in commands) batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync();
        return seats.Select(s => s.RecordsAffected == 1).ToArray();
    }
}
