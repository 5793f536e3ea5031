using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Infrastructure.Persistence;
using Microsoft.Extensions.Options;
using Xunit;

namespace Assemble.Api.UnitTests;

public sealed class ListingCacheUnitTests
{
    private static readonly ListEvents.Query Online = new(null, Domain.Events.EventFormat.Online, null, null, null, null, null, true, null, null, 20);

    private static Page<EventSummary> NewPage() => new([], null);

    private static (ListingCache Cache, CommitClock Commits, ManualClock Time) NewCache(int milliseconds = 250)
    {
        var commits = new CommitClock();
        var time = new ManualClock();
        return (new ListingCache(commits, time, Options.Create(new ListingOptions { ListingCacheMilliseconds = milliseconds })), commits, time);
    }

    [Fact]
    public async Task A_burst_for_one_page_reads_it_once_and_the_next_requests_are_answered_from_memory()
    {
        var (cache, _, _) = NewCache();
        var page = NewPage();
        var loads = 0;
        var gate = new TaskCompletionSource();
        async Task<Page<EventSummary>> Load()
        {
            Interlocked.Increment(ref loads);
            await gate.Task;
            return page;
        }

        var waiting = Enumerable.Range(0, 50).Select(_ => Task.Run(() => cache.GetAsync(Online, Load))).ToList();
        await Task.Delay(50);
        gate.SetResult();
        var results = await Task.WhenAll(waiting);

        Assert.Equal(1, loads);
        Assert.Equal(1, cache.Reads);
        Assert.All(results, r => Assert.Same(page, r));
        Assert.Same(page, await cache.GetAsync(Online with { }, () => throw new InvalidOperationException("kept: no read")));
    }

    [Fact]
    public async Task A_commit_here_the_lifetime_or_another_query_makes_it_read_again()
    {
        var (cache, commits, time) = NewCache();
        var first = NewPage();
        Assert.Same(first, await cache.GetAsync(Online, () => Task.FromResult(first)));

        commits.Tick();
        var afterCommit = NewPage();
        Assert.Same(afterCommit, await cache.GetAsync(Online, () => Task.FromResult(afterCommit)));
        Assert.Same(afterCommit, await cache.GetAsync(Online, () => Task.FromResult(NewPage())));

        time.Now += TimeSpan.FromMilliseconds(250);
        var afterLifetime = NewPage();
        Assert.Same(afterLifetime, await cache.GetAsync(Online, () => Task.FromResult(afterLifetime)));

        var osaka = Online with { Format = Domain.Events.EventFormat.InPerson, Prefecture = Domain.Members.Prefecture.Osaka };
        var other = NewPage();
        Assert.Same(other, await cache.GetAsync(osaka, () => Task.FromResult(other)));
        Assert.Equal(4, cache.Reads);
    }

    [Fact]
    public async Task A_page_read_while_something_committed_is_handed_out_but_not_kept()
    {
        var (cache, commits, _) = NewCache();
        var during = NewPage();
        Assert.Same(during, await cache.GetAsync(Online, () =>
        {
            commits.Tick();
            return Task.FromResult(during);
        }));

        var after = NewPage();
        Assert.Same(after, await cache.GetAsync(Online, () => Task.FromResult(after)));
        Assert.Same(after, await cache.GetAsync(Online, () => Task.FromResult(NewPage())));
    }

    [Fact]
    public async Task A_failed_read_is_not_kept_and_a_lifetime_of_zero_reads_every_time()
    {
        var (cache, _, _) = NewCache();
        await Assert.ThrowsAsync<TimeoutException>(() => cache.GetAsync(Online, () => Task.FromException<Page<EventSummary>>(new TimeoutException())));
        var page = NewPage();
        Assert.Same(page, await cache.GetAsync(Online, () => Task.FromResult(page)));

        var (off, _, _) = NewCache(milliseconds: 0);
        var a = NewPage();
        var b = NewPage();
        Assert.Same(a, await off.GetAsync(Online, () => Task.FromResult(a)));
        Assert.Same(b, await off.GetAsync(Online, () => Task.FromResult(b)));
        Assert.Equal(2, off.Reads);
    }
}
