using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Data;
using System.Security.Cryptography;
using System.Text;
using Assemble.Domain.Credentials;
using Assemble.Domain.Members;
using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Assemble.Api.Features.Referrals;

/// <summary>
/// The directory's search index: every practice profile with its member's verified credentials and display name,
/// held in memory and ranked with <see cref="PracticeFit"/> directly. It is never stale: each search first reads
/// the directory's row of <c>version_rows</c> (one indexed row), which deferred triggers bump at the commit of any change to
/// practice profiles, credentials or member profiles, and reloads when it moved. Profile, credential and version are
/// read in one repeatable-read snapshot, so a reload never mixes two states. Every API process keeps its own copy.
/// </summary>
public sealed class DirectoryIndex(NpgsqlDataSource dataSource)
{
    public sealed record VerifiedCredential(Profession Kind, DateOnly? ExpiresOn)
    {
        public bool IsValidOn(DateOnly today) => CredentialValidity.Holds(CredentialStatus.Verified, ExpiresOn, today);
    }

    public sealed record Entry(PracticeProfile Profile, IReadOnlyList<VerifiedCredential> Credentials, string? DisplayName)
    {
        /// <summary>Expiry is read at query time, so a lapse needs no write: a profile whose credentials all lapsed hides by itself.</summary>
        public bool IsListedOn(DateOnly today)
        {
            foreach (var c in Credentials)
                if (c.IsValidOn(today)) return true;
            return false;
        }

        public bool HasProfessionOn(DateOnly today, IReadOnlyList<Profession> wanted)
        {
            foreach (var c in Credentials)
                if (c.IsValidOn(today) && wanted.Contains(c.Kind)) return true;
            return false;
        }

        public IReadOnlyList<Profession> ProfessionsOn(DateOnly today)
            => Credentials.Where(c => c.IsValidOn(today)).Select(c => c.Kind).Distinct().Order().ToList();
    }

    public sealed class Snapshot(long version, IReadOnlyList<Entry> entries, ILookup<Guid, VerifiedCredential> credentials)
    {
        private readonly ConcurrentDictionary<DateOnly, ulong[]> _rotation = new();

        public long Version { get; } = version;
        public IReadOnlyList<Entry> Entries { get; } = entries;

        /// <summary>Whether a member (any member, listed or not) holds a verified credential valid today: who may search.</summary>
        public bool IsVerifiedProfessional(Guid memberId, DateOnly today) => credentials[memberId].Any(c => c.IsValidOn(today));

        /// <summary>The day's tie-break key of each entry (same order as <see cref="Entries"/>), computed once per day.</summary>
        public ulong[] RotationKeys(DateOnly day)
        {
            if (_rotation.TryGetValue(day, out var keys)) return keys;
            foreach (var old in _rotation.Keys.Where(d => d < day.AddDays(-1))) _rotation.TryRemove(old, out _);
            return _rotation.GetOrAdd(day, d => Entries.Select(e => RotationKey(d, e.Profile.MemberId)).ToArray());
        }
    }

    private readonly KeptLoads<bool, Snapshot> _snapshot = new(limit: 1);

    /// <summary>A member's place among equal fits on a day: md5(day ‖ member) (cached per day for the whole index).</summary>
    public static ulong RotationKey(DateOnly day, Guid memberId)
        => BinaryPrimitives.ReadUInt64BigEndian(MD5.HashData(Encoding.UTF8.GetBytes(RotationSeed(day) + memberId.ToString())));

    /// <summary>
    /// The order of equal fits as one searcher sees them: the day's key mixed with the searcher's (splitmix64), so it
    /// differs between searchers and between days, and stays put within a day for paging.
    /// </summary>
    public static ulong RotationKey(ulong dayKey, Guid searcherId)
    {
        var z = dayKey ^ BinaryPrimitives.ReadUInt64LittleEndian(searcherId.ToByteArray()) ^ BinaryPrimitives.ReadUInt64LittleEndian(searcherId.ToByteArray().AsSpan(8));
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    public static string RotationSeed(DateOnly day) => day.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<Snapshot> CurrentAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        // The hot path's one round trip, kept to a bare command.
        long version;
        await using (var command = dataSource.CreateCommand($"SELECT version FROM version_rows WHERE name = '{VersionRow.Directory}'"))
            version = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        // Kept under the version just read; the first request to see a new version loads it, the others wait for it.
        return await _snapshot.GetAsync(true, version, DateTimeOffset.MinValue, Timeout.InfiniteTimeSpan, () => LoadAsync(db, CancellationToken.None));
    }

    private static async Task<Snapshot> LoadAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var version = await db.VersionRows.AsNoTracking().Where(v => v.Name == VersionRow.Directory).Select(v => v.Version).SingleAsync(cancellationToken);
        var profiles = await db.PracticeProfiles.AsNoTracking().ToListAsync(cancellationToken);
        var credentials = (await db.Credentials.AsNoTracking().Where(c => c.Status == CredentialStatus.Verified)
                .Select(c => new { c.MemberId, c.Kind, c.ExpiresOn }).ToListAsync(cancellationToken))
            .ToLookup(c => c.MemberId, c => new VerifiedCredential(c.Kind, c.ExpiresOn));
        var names = await db.MemberProfiles.AsNoTracking().Where(m => !m.IsHidden).Select(m => new { m.Id, m.DisplayName })
            .ToDictionaryAsync(m => m.Id, m => m.DisplayName, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var entries = profiles
            .Where(p => credentials.Contains(p.MemberId))
            .Select(p => new Entry(p, credentials[p.MemberId].ToList(), names.GetValueOrDefault(p.MemberId)))
            .ToList();
        return new Snapshot(version, entries, credentials);
    }
}
