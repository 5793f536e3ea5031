using Assemble.Infrastructure.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Assemble.Api.Auth;

public sealed class AccessOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// How often an instance reads the access version (one indexed row) to learn whether a role or a security stamp
    /// changed through another instance or in SQL: such a change applies within this many milliseconds, one made
    /// through this instance on its next request. 0 = no snapshots: every request reads its member's roles and stamp.
    /// </summary>
    public int AccessRecheckMilliseconds { get; set; } = 200;
}

/// <summary>
/// The version PostgreSQL keeps for who may do what (<see cref="VersionRow.Access"/>: deferred triggers bump it at the
/// commit of any change to a member's roles or security stamp), as this instance last read it. <see cref="RoleCache"/>
/// and <see cref="SessionStamps"/> keep their snapshots under it, as the seat path keeps events and members under
/// theirs. The row is read at most once per <see cref="AccessOptions.AccessRecheckMilliseconds"/>, by one request
/// while the others wait for it; <see cref="Forget"/> (a change made here) makes the next request read it again.
/// </summary>
public sealed class AccessStamp(Func<Task<long>> read, IOptions<AccessOptions> options, TimeProvider time)
{
    /// <summary>Reads the access row of <c>version_rows</c> through the data source.</summary>
    public AccessStamp(NpgsqlDataSource dataSource, IOptions<AccessOptions> options, TimeProvider time)
        : this(() => ReadAsync(dataSource), options, time)
    {
    }

    private readonly KeptLoads<bool, long> current = new(limit: 1);
    private long forgotten;

    /// <summary>Whether snapshots are kept at all (<see cref="AccessOptions.AccessRecheckMilliseconds"/> above 0).</summary>
    public bool Keeps => options.Value.AccessRecheckMilliseconds > 0;

    /// <summary>How many times the version row was read (for tests).</summary>
    public long Reads => current.Loads;

    public Task<long> CurrentAsync()
        => current.GetAsync(true, Interlocked.Read(ref forgotten), time.GetUtcNow(), TimeSpan.FromMilliseconds(options.Value.AccessRecheckMilliseconds), read);

    /// <summary>This instance changed roles or a stamp: the next request reads the version again (the commit has bumped it).</summary>
    public void Forget() => Interlocked.Increment(ref forgotten);

    private static async Task<long> ReadAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand($"SELECT version FROM version_rows WHERE name = '{VersionRow.Access}'");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
