using Assemble.Infrastructure.Persistence.Seats;
using Assemble.Infrastructure.Persistence;
using Xunit;

namespace Assemble.Api.UnitTests;

/// <summary>The group commit's lanes without a database: every queued job runs once, one run at a time per lane.</summary>
public sealed class GroupCommitUnitTests
{
    [Fact]
    public async Task Jobs_queued_from_many_threads_at_once_each_run_once_and_runs_of_a_lane_never_overlap()
    {
        var running = 0;
        var overlaps = 0;
        var executed = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        async Task<bool[]> Execute(IReadOnlyList<int> jobs)
        {
            if (Interlocked.Increment(ref running) != 1) Interlocked.Increment(ref overlaps);
            foreach (var job in jobs) executed.AddOrUpdate(job, 1, (_, n) => n + 1);
            // Sometimes synchronous, sometimes not: the drain loop goes on from whichever thread finished the run.
            if (jobs.Count % 3 != 0) await Task.Yield();
            Interlocked.Decrement(ref running);
            return jobs.Select(j => j % 2 == 0).ToArray();
        }
        var key = Guid.NewGuid();
        var desk = new GroupCommitQueue<int>(Execute, _ => key);

        // Clients that each queue their next job as soon as the last one is answered: the lane keeps emptying and
        // filling again, so jobs often arrive just as a drain loop is finding the queue empty and stopping.
        const int Clients = 16, PerClient = 2_000, Jobs = Clients * PerClient;
        var outcomes = (await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            var mine = new List<(int Job, bool Taken)>();
            for (var i = 0; i < PerClient; i++)
            {
                var job = c * PerClient + i;
                mine.Add((job, await desk.TakeSeatAsync(job)));
            }
            return mine;
        }))).WaitAsync(TimeSpan.FromSeconds(60))).SelectMany(o => o).ToList();

        Assert.Equal(0, overlaps);
        Assert.Equal(Jobs, executed.Count);
        Assert.All(executed.Values, n => Assert.Equal(1, n));
        Assert.All(outcomes, o => Assert.Equal(o.Job % 2 == 0, o.Taken));
        Assert.True(desk.Batches < Jobs, $"{desk.Batches} runs for {Jobs} jobs: nothing was shared");
    }

    /// <summary>
    /// A desk on one lane that records every run (its jobs, in order) and holds a run that starts with job 0 until the
    /// gate opens, so that jobs queued meanwhile wait behind it; a run holding <paramref name="broken"/> throws.
    /// </summary>
    private static (GroupCommitQueue<int> Desk, TaskCompletionSource Gate, List<int[]> Runs) DeskHeldAtJobZero(int? broken = null)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = new List<int[]>();
        async Task<bool[]> Execute(IReadOnlyList<int> jobs)
        {
            lock (runs) runs.Add([.. jobs]);
            if (jobs[0] == 0) await gate.Task;
            if (broken is { } b && jobs.Contains(b)) throw new InvalidOperationException("broken job");
            return jobs.Select(_ => true).ToArray();
        }
        var key = Guid.NewGuid();
        return (new GroupCommitQueue<int>(Execute, _ => key), gate, runs);
    }

    [Fact]
    public async Task Jobs_that_arrive_during_a_run_form_the_next_run_in_arrival_order()
    {
        var (desk, gate, runs) = DeskHeldAtJobZero();

        var first = desk.TakeSeatAsync(0);
        var rest = Enumerable.Range(1, 10).Select(desk.TakeSeatAsync).ToList();
        Assert.False(first.IsCompleted);
        gate.SetResult();

        Assert.All(await Task.WhenAll(rest.Prepend(first)).WaitAsync(TimeSpan.FromSeconds(10)), Assert.True);
        Assert.Equal([[0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], runs);
    }

    [Fact]
    public async Task A_run_that_throws_is_split_until_the_failing_job_fails_alone_and_the_lane_goes_on()
    {
        var (desk, gate, runs) = DeskHeldAtJobZero(broken: 13);

        var first = desk.TakeSeatAsync(0);
        var queued = new[] { 11, 12, 13, 14 }.Select(desk.TakeSeatAsync).ToList();
        gate.SetResult();

        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await queued[0]);
        Assert.True(await queued[1]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => queued[2]);
        Assert.True(await queued[3]);
        // The shared run failed; its halves ran first half first, and the half that failed again was split once more.
        Assert.Equal([[0], [11, 12, 13, 14], [11, 12], [13, 14], [13], [14]], runs);
        Assert.True(await desk.TakeSeatAsync(15).WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
