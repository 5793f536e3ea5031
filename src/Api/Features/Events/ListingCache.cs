using System.Collections.Concurrent;
using Assemble.Api.Common;
using Assemble.Infrastructure.Persistence;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Features.Events;

public sealed class ListingOptions
{
    public const string Section = "Events";

    /// <summary>
    /// How long a page of the public event listing is served from memory while nothing is written through this
    /// process (a write here makes the next request read afresh). It bounds how stale "seats left" can be after a
    /// registration through another process. 0 = every request reads the database.
    /// </summary>
    public int ListingCacheMilliseconds { get; set; } = 250;
}

/// <summary>
/// The public listing is the page everyone opens and it is the same for everyone, so each process keeps the pages it
/// last read, per query, and answers from them: <see cref="ListEvents"/> runs one query per page and lifetime
/// instead of one per request, and a burst of requests for a page that has to be read again waits for one read
/// (single flight) instead of running its own. A page stops counting as soon as anything is committed through this
/// process (<see cref="CommitClock"/>), so a registration, an edit or a publication here is seen by the very next
/// request; one made through another process is seen within the lifetime. A page read while something committed is
/// handed to the requests waiting for it, and no later request uses it: its stamp is behind the clock.
/// </summary>
public sealed class ListingCache(CommitClock clock, TimeProvider time, IOptions<ListingOptions> options)
{
    /// <summary>Pages of at most this many queries are kept; beyond it the cache starts over rather than tracking use.</summary>
    private const int Limit = 1_000;

    private readonly ConcurrentDictionary<ListEvents.Query, Entry> pages = new();
    private long reads;

    private sealed record Entry(Task<Page<EventSummary>> Page, long Stamp, DateTimeOffset Until);

    /// <summary>How many times a page was read from the database (for tests and benchmarks).</summary>
    public long Reads => Interlocked.Read(ref reads);

    /// <param name="load">Runs only in the request that finds no usable page; it must not depend on that request's cancellation.</param>
    public async Task<Page<EventSummary>> GetAsync(ListEvents.Query query, Func<Task<Page<EventSummary>>> load)
    {
        var lifetime = TimeSpan.FromMilliseconds(options.Value.ListingCacheMilliseconds);
        if (lifetime <= TimeSpan.Zero)
        {
            Interlocked.Increment(ref reads);
            return await load();
        }

        var stamp = clock.Now;
        var now = time.GetUtcNow();
        if (pages.TryGetValue(query, out var kept) && Usable(kept, stamp, now)) return await kept.Page;

        if (pages.Count >= Limit) pages.Clear();
        var mine = new TaskCompletionSource<Page<EventSummary>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fresh = new Entry(mine.Task, stamp, now + lifetime);
        var entry = pages.AddOrUpdate(query, fresh, (_, current) => Usable(current, stamp, now) ? current : fresh);
        if (entry != fresh) return await entry.Page;
        try
        {
            Interlocked.Increment(ref reads);
            var page = await load();
            mine.SetResult(page);
            return page;
        }
        catch (Exception x)
        {
            mine.SetException(x);
            pages.TryRemove(KeyValuePair.Create(query, fresh));
            throw;
        }
    }

    /// <summary>
    /// Read since the last commit and still within its lifetime. A page still being read counts too: its read began
    /// after the last commit, so whatever it returns is at least as fresh as the caller may expect.
    /// </summary>
    private static bool Usable(Entry entry, long stamp, DateTimeOffset now)
        => entry.Stamp == stamp && now < entry.Until && !entry.Page.IsFaulted && !entry.Page.IsCanceled;
}
