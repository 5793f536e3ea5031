using Assemble.Api.Auth;
using Microsoft.Extensions.Options;
using Xunit;

namespace Assemble.Api.UnitTests;

public sealed class RoleCacheUnitTests
{
    private static readonly Guid Organizer = Guid.NewGuid();

    /// <summary>The access version as the database holds it (the tests move it as a trigger would).</summary>
    private long version;

    private int versionReads;

    private RoleCache NewCache(ManualClock time, int recheckMilliseconds = 200)
        => new(new AccessStamp(() => { versionReads++; return Task.FromResult(version); }, Options.Create(new AccessOptions { AccessRecheckMilliseconds = recheckMilliseconds }), time), time);

    private static Task<List<string>> NoSingleRead() => throw new InvalidOperationException("a snapshot is kept: no member's own read");

    [Fact]
    public async Task A_rush_of_members_reads_every_role_once_and_members_without_one_hold_none()
    {
        var cache = NewCache(new ManualClock());
        var gate = new TaskCompletionSource();
        var reads = 0;
        async Task<List<(Guid, string)>> All()
        {
            Interlocked.Increment(ref reads);
            await gate.Task;
            return [(Organizer, "organizer"), (Organizer, "admin")];
        }

        var members = Enumerable.Range(0, 50).Select(_ => Guid.NewGuid()).ToList();
        var waiting = members.Select(m => Task.Run(() => cache.GetAsync(m, NoSingleRead, All))).Append(Task.Run(() => cache.GetAsync(Organizer, NoSingleRead, All))).ToList();
        await Task.Delay(50);
        gate.SetResult();
        var results = await Task.WhenAll(waiting);

        Assert.Equal(1, reads);
        Assert.All(results.Take(50), r => Assert.Empty(r));
        Assert.Equal(["organizer", "admin"], results[^1]);
        Assert.Equal(1, cache.Reads);
    }

    [Fact]
    public async Task A_moved_version_reads_again_seen_at_once_after_a_change_here_and_within_the_recheck_otherwise()
    {
        var time = new ManualClock();
        var cache = NewCache(time);
        List<(Guid, string)> held = [(Organizer, "organizer")];
        Task<List<(Guid, string)>> All() => Task.FromResult(held.ToList());

        Assert.Equal(["organizer"], await cache.GetAsync(Organizer, NoSingleRead, All));
        // Changed without the version moving (not a real change): the snapshot stands, however long.
        held = [];
        time.Now += TimeSpan.FromHours(1);
        Assert.Equal(["organizer"], await cache.GetAsync(Organizer, NoSingleRead, All));

        // Changed here: the commit moved the version, and the next request reads it.
        version++;
        cache.Forget();
        Assert.Empty(await cache.GetAsync(Organizer, NoSingleRead, All));

        // Changed elsewhere: seen once the recheck period has passed, not before.
        held = [(Organizer, "admin")];
        version++;
        time.Now += TimeSpan.FromMilliseconds(199);
        Assert.Empty(await cache.GetAsync(Organizer, NoSingleRead, All));
        time.Now += TimeSpan.FromMilliseconds(1);
        Assert.Equal(["admin"], await cache.GetAsync(Organizer, NoSingleRead, All));

        version++;
        cache.Forget();
        await Assert.ThrowsAsync<TimeoutException>(() => cache.GetAsync(Organizer, NoSingleRead, () => Task.FromException<List<(Guid, string)>>(new TimeoutException())));
        Assert.Equal(["admin"], await cache.GetAsync(Organizer, NoSingleRead, All));
        Assert.Equal(5, cache.Reads);
    }

    [Fact]
    public async Task When_the_shared_read_fails_its_request_gets_the_error_and_the_waiting_ones_read_their_own_roles()
    {
        var cache = NewCache(new ManualClock());
        var gate = new TaskCompletionSource();
        var own = 0;
        async Task<List<(Guid, string)>> Failing()
        {
            await gate.Task;
            throw new TimeoutException();
        }
        Task<List<string>> Own()
        {
            Interlocked.Increment(ref own);
            return Task.FromResult(new List<string> { "organizer" });
        }

        var first = cache.GetAsync(Organizer, Own, Failing);
        var waiting = Enumerable.Range(0, 10).Select(_ => cache.GetAsync(Organizer, Own, () => throw new InvalidOperationException("one read at a time"))).ToList();
        gate.SetResult();

        await Assert.ThrowsAsync<TimeoutException>(() => first);
        Assert.All(await Task.WhenAll(waiting), r => Assert.Equal(["organizer"], r));
        Assert.Equal(10, own);
    }

    [Fact]
    public async Task With_a_recheck_of_zero_every_request_reads_the_members_own_roles()
    {
        var cache = NewCache(new ManualClock(), recheckMilliseconds: 0);
        var single = 0;
        for (var i = 0; i < 3; i++)
            Assert.Equal(["organizer"], await cache.GetAsync(Organizer, () => { single++; return Task.FromResult(new List<string> { "organizer" }); },
                () => throw new InvalidOperationException("no snapshot without a period")));
        Assert.Equal(3, single);
        Assert.Equal(0, cache.Reads);
        Assert.Equal(0, versionReads);
    }
}
