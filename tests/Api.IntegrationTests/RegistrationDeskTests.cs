using Assemble.Infrastructure.Persistence.Seats;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Infrastructure.Persistence;
using Npgsql;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>
/// The group commit of the seat path, against real PostgreSQL with a counter of its own: while one batch waits on a
/// row lock, the registrations that arrive share the next batch, are decided in the order they came, and one that
/// fails does not fail its neighbours.
/// </summary>
public sealed class RegistrationDeskTests : IAsyncLifetime
{
    private string connectionString = "";
    private NpgsqlDataSource dataSource = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestDatabases.CreateEmptyAsync("desk");
        dataSource = NpgsqlDataSource.Create(connectionString);
        await using var setup = dataSource.CreateCommand("""
            CREATE TABLE seats (id int PRIMARY KEY, taken int NOT NULL, capacity int NOT NULL, CHECK (taken <= capacity));
            CREATE TABLE holders (name text PRIMARY KEY);
            INSERT INTO seats VALUES (1, 0, 15);
            INSERT INTO holders VALUES ('taken-already');
            """);
        await setup.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await dataSource.DisposeAsync();
        await TestDatabases.DropAsync(connectionString);
    }

    /// <summary>Seat statements like the ledger's: one row affected when the seat was taken, the holder written with it.</summary>
    private async Task<bool[]> ExecuteAsync(IReadOnlyList<string> holders)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        var seats = holders.Select(holder =>
        {
            var seat = new NpgsqlBatchCommand("UPDATE seats SET taken = taken + 1 WHERE id = 1 AND taken < capacity");
            batch.BatchCommands.Add(seat);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO holders SELECT $1 WHERE (SELECT taken FROM seats WHERE id = 1) > 0") { Parameters = { new() { Value = holder } } });
            return seat;
        }).ToList();
        await batch.ExecuteNonQueryAsync();
        return seats.Select(s => s.RecordsAffected == 1).ToArray();
    }

    private GroupCommitQueue<string> NewDesk()
    {
        var eventId = Guid.NewGuid();
        return new GroupCommitQueue<string>(ExecuteAsync, _ => eventId);
    }

    /// <summary>
    /// The first holder's batch runs into a row lock held here; the others arrive while it waits. Then the lock goes
    /// and every outcome (the first one's first) is returned as a task.
    /// </summary>
    private async Task<List<Task<bool>>> QueueBehindABlockedBatchAsync(GroupCommitQueue<string> desk, IEnumerable<string> holders)
    {
        await using var blocker = await dataSource.OpenConnectionAsync();
        await using var rowLock = await blocker.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("SELECT 1 FROM seats WHERE id = 1 FOR UPDATE", blocker, rowLock)) await command.ExecuteScalarAsync();

        var all = holders.ToList();
        var outcomes = new List<Task<bool>> { desk.TakeSeatAsync(all[0]) };
        await TestDatabases.WaitForLockWaiterAsync(connectionString);
        outcomes.AddRange(all.Skip(1).Select(h => desk.TakeSeatAsync(h)));
        await Task.Delay(100);
        Assert.False(outcomes[0].IsCompleted);
        await rowLock.CommitAsync();
        return outcomes;
    }

    [Fact]
    public async Task Registrations_arriving_during_a_batch_share_the_next_one_and_are_decided_in_arrival_order()
    {
        var desk = NewDesk();
        var outcomes = await Task.WhenAll(await QueueBehindABlockedBatchAsync(desk, Enumerable.Range(0, 21).Select(i => $"m{i}")));

        Assert.Equal(2, desk.Batches);
        Assert.Equal([.. Enumerable.Repeat(true, 15), .. Enumerable.Repeat(false, 6)], outcomes);
        await using var count = dataSource.CreateCommand("SELECT taken FROM seats WHERE id = 1");
        Assert.Equal(15, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_registration_that_fails_in_a_shared_batch_fails_alone()
    {
        var desk = NewDesk();
        // The fourth one's holder exists already: its INSERT breaks the primary key, which aborts its shared batch.
        var outcomes = await QueueBehindABlockedBatchAsync(desk, ["m0", "m1", "m2", "taken-already", "m4", "m5"]);

        var failure = await Assert.ThrowsAsync<PostgresException>(() => outcomes[3]);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, failure.SqlState);
        foreach (var i in new[] { 0, 1, 2, 4, 5 }) Assert.True(await outcomes[i]);

        await using var count = dataSource.CreateCommand("SELECT taken FROM seats WHERE id = 1");
        Assert.Equal(5, await count.ExecuteScalarAsync());
        await using var holders = dataSource.CreateCommand("SELECT string_agg(name, ',' ORDER BY name) FROM holders");
        Assert.Equal("m0,m1,m2,m4,m5,taken-already", await holders.ExecuteScalarAsync());
    }
}
