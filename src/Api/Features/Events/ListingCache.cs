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
    private readonly KeptLoads<ListEvents.Query, Page<EventSummary>> pages = new(limit: 1_000);
    private long uncachedReads;

    /// <summary>How many times a page was read from the database (for tests and benchmarks).</summary>
    public long Reads => pages.Loads + Interlocked.Read(ref uncachedReads);

    /// <param name="load">Runs only in the request that finds no usable page; it must not depend on that request's cancellation.</param>
    public async Task<Page<EventSummary>> GetAsync(ListEvents.Query query, Func<Task<Page<EventSummary>>> load)
    {
        var lifetime = TimeSpan.FromMilliseconds(options.Value.ListingCacheMilliseconds);
        if (lifetime <= TimeSpan.Zero)
        {
            Interlocked.Increment(ref uncachedReads);
            return await load();
        }
        return await pages.GetAsync(query, clock.Now, time.GetUtcNow(), lifetime, load);
    }
}
