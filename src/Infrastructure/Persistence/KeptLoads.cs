using System.Collections.Concurrent;

namespace Assemble.Infrastructure.Persistence;

/// <summary>
/// What a process keeps in memory, each value under the stamp it was read at (an event's version, the commit clock):
/// a value counts while the caller's stamp is the same and its lifetime has not run out. Loading is single flight: the
/// first request for a key loads it, the requests arriving meanwhile wait for that load instead of running their
/// own. A failed load is dropped, so the next request tries again.
/// </summary>
public sealed class KeptLoads<TKey, TValue>(int limit) where TKey : notnull
{
    private sealed record Entry(Task<TValue> Value, long Stamp, DateTimeOffset Until);

    private readonly ConcurrentDictionary<TKey, Entry> entries = new();
    private long loads;

    /// <summary>How many times a value was loaded (for tests and benchmarks).</summary>
    public long Loads => Interlocked.Read(ref loads);

    /// <param name="load">Runs only in the request that finds no usable value; it must not depend on that request's cancellation.</param>
    public async Task<TValue> GetAsync(TKey key, long stamp, DateTimeOffset now, TimeSpan lifetime, Func<Task<TValue>> load)
    {
        if (entries.TryGetValue(key, out var kept) && Usable(kept, stamp, now)) return await kept.Value;

        if (entries.Count >= limit) entries.Clear();
        var mine = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fresh = new Entry(mine.Task, stamp, lifetime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : now + lifetime);
        var entry = entries.AddOrUpdate(key, fresh, (_, current) => Usable(current, stamp, now) ? current : fresh);
        if (entry != fresh) return await entry.Value;
        try
        {
            Interlocked.Increment(ref loads);
            var value = await load();
            mine.SetResult(value);
            return value;
        }
        catch (Exception x)
        {
            mine.SetException(x);
            entries.TryRemove(KeyValuePair.Create(key, fresh));
            throw;
        }
    }

    /// <summary>The value last read for <paramref name="key"/> and the stamp it was read at, whatever the stamp is now; none while it is still being read.</summary>
    public bool TryPeek(TKey key, out TValue value, out long stamp)
    {
        if (entries.TryGetValue(key, out var kept) && kept.Value.IsCompletedSuccessfully)
        {
            (value, stamp) = (kept.Value.Result, kept.Stamp);
            return true;
        }
        (value, stamp) = (default!, 0);
        return false;
    }

    /// <summary>
    /// Read at the same stamp and still within its lifetime. A value still being read counts too: its read began at
    /// this stamp, so whatever it returns is at least as fresh as the caller may expect.
    /// </summary>
    private static bool Usable(Entry entry, long stamp, DateTimeOffset now)
        => entry.Stamp == stamp && now < entry.Until && !entry.Value.IsFaulted && !entry.Value.IsCanceled;
}
