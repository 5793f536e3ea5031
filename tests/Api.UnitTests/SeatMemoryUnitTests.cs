using Assemble.Infrastructure.Persistence;
using Assemble.Infrastructure.Persistence.Seats;
using Assemble.Api.Features.Registrations;
using Assemble.Domain.Events;
using Xunit;

namespace Assemble.Api.UnitTests;

public sealed class SeatMemoryUnitTests
{
    private static Event NewEvent()
    {
        var now = DateTimeOffset.UtcNow;
        var start = now.AddDays(7);
        return Event.Create(Guid.CreateVersion7(), Guid.NewGuid(), new EventDetails(EventKind.StudySession, EventFormat.Online, "勉強会", null,
            "Asia/Tokyo", [(null, start, start.AddHours(2))], null, "https://zoom.example/j/1", null, null, Audience.AllMembers, [], 40, false,
            [], [], [], 24, 30, 24), now).Value!;
    }

    [Fact]
    public async Task A_rush_on_one_version_loads_it_once()
    {
        var cache = new SeatMemory(new CommitClock(), TimeProvider.System);
        var e = NewEvent();
        var loads = 0;
        var gate = new TaskCompletionSource();
        async Task<Event?> Load()
        {
            Interlocked.Increment(ref loads);
            await gate.Task;
            return e;
        }

        var waiting = Enumerable.Range(0, 50).Select(_ => Task.Run(() => cache.EventAsync(e.Id, 3, Load))).ToList();
        await Task.Delay(50);
        gate.SetResult();
        var results = await Task.WhenAll(waiting);

        Assert.Equal(1, loads);
        Assert.All(results, r => Assert.Same(e, r));
        Assert.Same(e, await cache.EventAsync(e.Id, 3, () => throw new InvalidOperationException("kept: no load")));
    }

    [Fact]
    public async Task Another_version_is_loaded_afresh_and_a_failed_load_is_not_kept()
    {
        var cache = new SeatMemory(new CommitClock(), TimeProvider.System);
        var first = NewEvent();
        Assert.Same(first, await cache.EventAsync(first.Id, 1, () => Task.FromResult<Event?>(first)));

        var changed = NewEvent();
        Assert.Same(changed, await cache.EventAsync(first.Id, 2, () => Task.FromResult<Event?>(changed)));

        await Assert.ThrowsAsync<TimeoutException>(() => cache.EventAsync(first.Id, 3, () => Task.FromException<Event?>(new TimeoutException())));
        Assert.Same(first, await cache.EventAsync(first.Id, 3, () => Task.FromResult<Event?>(first)));
    }
}
