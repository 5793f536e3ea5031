using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Credentials;
using Assemble.Domain.Events;
using Assemble.Domain.Memberships;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>
/// Where SQL repeats a domain rule (raw statements, CHECK constraints, partial indexes, EF's translation), PostgreSQL
/// runs the copy over a table of cases and each answer must be the domain's. Changing a rule on one side only fails here.
/// </summary>
public sealed class RuleSqlAgreementTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly DateOnly Today = new(2026, 11, 22);

    private static readonly (CredentialStatus Status, DateOnly? ExpiresOn)[] CredentialCases =
        [.. from status in Enum.GetValues<CredentialStatus>()
            from expiresOn in new DateOnly?[] { null, Today.AddDays(-1), Today, Today.AddDays(1) }
            select (status, expiresOn)];

    /// <summary>Periods around today, each also voided (dues refunded in full count for nothing).</summary>
    private static readonly (DateOnly StartsOn, DateOnly EndsOn, bool Voided)[] PeriodCases =
        new (DateOnly, DateOnly)[]
        {
            (Today, Today), (Today.AddDays(-365), Today.AddDays(-1)), (Today.AddDays(-364), Today), (Today, Today.AddDays(364)),
            (Today.AddDays(1), Today.AddDays(365)), (Today.AddDays(-30), Today.AddDays(30)),
        }.SelectMany(c => new[] { (c.Item1, c.Item2, false), (c.Item1, c.Item2, true) }).ToArray();

    /// <summary>The domain's answer: a period not voided that covers today (voided rows are never loaded into memory).</summary>
    private static bool ActiveToday((DateOnly StartsOn, DateOnly EndsOn, bool Voided) c) => !c.Voided && new MembershipPeriod(c.StartsOn, c.EndsOn).Covers(Today);

    /// <summary>Capacity, taken, quota, taken of the ticket type, quantity asked.</summary>
    private static readonly (int Capacity, int Taken, int? Quota, int TypeTaken, int Quantity)[] SeatCases =
    [
        (10, 10, null, 10, 1), // exactly full
        (10, 9, null, 9, 1), // one left
        (10, 9, null, 9, 2), // two asked, one left
        (10, 8, null, 8, 2),
        (10, 0, null, 0, 10),
        (10, 0, null, 0, 11),
        (10, 3, 3, 3, 1), // the quota reached while the capacity has room
        (10, 3, 4, 3, 1),
        (10, 3, 4, 3, 2),
        (10, 10, 20, 5, 1), // the capacity reached while the quota has room
    ];

    [Fact]
    public async Task Credential_validity_in_SQL_agrees_with_the_domain_rule()
    {
        var answers = await QueryAsync<bool>(
            $"SELECT n, {RuleSql.CredentialValidOn("c", "$1")} FROM (VALUES {Rows(CredentialCases, c => $"'{c.Status}', {Date(c.ExpiresOn)}")}) AS c(n, status, expires_on)",
            Today);
        for (var i = 0; i < CredentialCases.Length; i++)
            Assert.True(CredentialValidity.Holds(CredentialCases[i].Status, CredentialCases[i].ExpiresOn, Today) == answers[i], $"SQL disagrees on {CredentialCases[i]}");
    }

    [Fact]
    public async Task Credential_validity_as_EF_translates_it_agrees_with_the_domain_rule()
    {
        await using var dataSource = NpgsqlDataSource.Create(api.ConnectionString);
        await using var db = TestDatabases.NewContext(dataSource);
        var member = Guid.NewGuid();
        var rows = $"""
            SELECT id, '{member}'::uuid AS member_id, 'Nurse' AS kind, '1' AS registration_number, 'x' AS issuer, expires_on, status,
                   now() AS submitted_at, NULL::timestamptz AS decided_at, NULL::uuid AS decided_by, NULL AS rejection_reason, '0'::xid AS xmin
              FROM (VALUES {Rows(CredentialCases, c => $"'{c.Status}', {Date(c.ExpiresOn)}")}) AS c(n, status, expires_on),
                   LATERAL (SELECT ('00000000-0000-0000-0000-' || lpad(n::text, 12, '0'))::uuid AS id) i
            """;
        var credentials = db.Credentials.FromSqlRaw(rows);
        var valid = (await credentials.Where(CredentialValidity.On(Today)).Select(c => c.Id).ToListAsync()).ToHashSet();
        for (var i = 0; i < CredentialCases.Length; i++)
            Assert.True(CredentialValidity.Holds(CredentialCases[i].Status, CredentialCases[i].ExpiresOn, Today) == valid.Contains(CaseId(i)),
                $"EF disagrees on {CredentialCases[i]}");
    }

    [Fact]
    public async Task An_active_membership_in_SQL_agrees_with_the_domain_rule()
    {
        var answers = await QueryAsync<bool>(
            $"SELECT n, {RuleSql.MembershipActiveOn("m", "$1")} FROM (VALUES {Rows(PeriodCases, c => $"{Date(c.StartsOn)}, {Date(c.EndsOn)}, {Voided(c.Voided)}")}) AS m(n, starts_on, ends_on, voided_at)",
            Today);
        for (var i = 0; i < PeriodCases.Length; i++)
            Assert.True(ActiveToday(PeriodCases[i]) == answers[i], $"SQL disagrees on {PeriodCases[i]}");
    }

    [Fact]
    public async Task An_active_membership_as_EF_translates_it_agrees_with_the_domain_rule()
    {
        await using var dataSource = NpgsqlDataSource.Create(api.ConnectionString);
        await using var db = TestDatabases.NewContext(dataSource);
        var rows = $"""
            SELECT id, '{Guid.NewGuid()}'::uuid AS member_id, 'p' AS plan_code, starts_on AS paid_on, 0 AS amount_yen, 'BankTransfer' AS method,
                   NULL AS reference, NULL::uuid AS recorded_by, NULL::uuid AS payment_id, voided_at, starts_on, ends_on, now() AS created_at
              FROM (VALUES {Rows(PeriodCases, c => $"{Date(c.StartsOn)}, {Date(c.EndsOn)}, {Voided(c.Voided)}")}) AS m(n, starts_on, ends_on, voided_at),
                   LATERAL (SELECT ('00000000-0000-0000-0000-' || lpad(n::text, 12, '0'))::uuid AS id) i
            """;
        // The table's query filter (voided rows) and the period rule, as every EF query of active members applies them.
        var active = (await db.MembershipPayments.FromSqlRaw(rows).Where(MembershipPeriod.ActiveOn(Today)).Select(p => p.Id).ToListAsync()).ToHashSet();
        for (var i = 0; i < PeriodCases.Length; i++)
            Assert.True(ActiveToday(PeriodCases[i]) == active.Contains(CaseId(i)), $"EF disagrees on {PeriodCases[i]}");
    }

    private static string Voided(bool voided) => voided ? "now()" : "NULL::timestamptz";

    [Fact]
    public void The_SQL_list_of_active_statuses_is_the_domain_list()
        => Assert.Equal(RuleSql.ActiveStatuses, "(" + string.Join(", ", RegistrationStatuses.Active.Select(s => $"'{s}'")) + ")");

    [Fact]
    public async Task The_one_active_registration_index_covers_exactly_the_active_statuses()
    {
        var definition = (await QueryAsync<string>(
            "SELECT 0, indexdef FROM pg_indexes WHERE indexname = 'ix_registrations_one_active_per_member'"))[0];
        var filter = definition[(definition.IndexOf(" WHERE ", StringComparison.Ordinal) + 7)..];
        var statuses = Enum.GetValues<RegistrationStatus>();
        var covered = await QueryAsync<bool>(
            $"SELECT n, {filter} FROM (VALUES {Rows(statuses, s => $"'{s}'")}) AS r(n, status)");
        for (var i = 0; i < statuses.Length; i++)
            Assert.True(RegistrationStatuses.IsActive(statuses[i]) == covered[i], $"The index ({filter}) disagrees on {statuses[i]}");
    }

    [Fact]
    public async Task Seat_room_in_SQL_agrees_with_the_domain_rule()
    {
        var answers = await QueryAsync<string>(
            $"SELECT n, ({RuleSql.EventFits("q")})::text || ' ' || ({RuleSql.EventSeatsLeft})::text FROM (VALUES {Rows(SeatCases, c => $"{c.Capacity}, {c.Taken}, {c.Quantity}")}) AS e(n, capacity, seats_taken, q)");
        for (var i = 0; i < SeatCases.Length; i++)
        {
            var (capacity, taken, _, _, quantity) = SeatCases[i];
            Assert.True($"{(SeatRoom.Fits(capacity, taken, quantity) ? "true" : "false")} {SeatRoom.Left(capacity, taken)}" == answers[i],
                $"SQL says {answers[i]} on {SeatCases[i]}");
        }
    }

    [Fact]
    public async Task The_seat_counter_constraints_accept_exactly_what_the_domain_lets_in()
    {
        var events = await ConstraintAsync("ck_events_seats");
        var ticketTypes = await ConstraintAsync("ck_ticket_types_seats");
        var eventAccepts = await QueryAsync<bool>(
            $"SELECT n, coalesce({events}, true) FROM (VALUES {Rows(SeatCases, c => $"{c.Capacity}, {c.Taken + c.Quantity}")}) AS e(n, capacity, seats_taken)");
        var typeAccepts = await QueryAsync<bool>(
            $"SELECT n, coalesce({ticketTypes}, true) FROM (VALUES {Rows(SeatCases, c => $"{c.Quota?.ToString() ?? "NULL::int"}, {c.TypeTaken + c.Quantity}")}) AS t(n, quota, seats_taken)");
        for (var i = 0; i < SeatCases.Length; i++)
        {
            var (capacity, taken, quota, typeTaken, quantity) = SeatCases[i];
            Assert.True(SeatRoom.Fits(capacity, taken, quantity) == eventAccepts[i], $"ck_events_seats ({events}) disagrees on {SeatCases[i]}");
            Assert.True((quota is not { } q || SeatRoom.Fits(q, typeTaken, quantity)) == typeAccepts[i], $"ck_ticket_types_seats ({ticketTypes}) disagrees on {SeatCases[i]}");
            Assert.Equal(SeatRoom.Fits(capacity, taken, quota, typeTaken, quantity), eventAccepts[i] && typeAccepts[i]);
        }
    }

    private async Task<string> ConstraintAsync(string name)
    {
        var definition = (await QueryAsync<string>($"SELECT 0, pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = '{name}'"))[0];
        Assert.StartsWith("CHECK ", definition);
        return definition["CHECK ".Length..];
    }

    private static Guid CaseId(int n) => Guid.Parse($"00000000-0000-0000-0000-{n:D12}");

    private static string Date(DateOnly? day) => day is { } d ? $"DATE '{d:yyyy-MM-dd}'" : "NULL::date";

    private static string Rows<T>(IReadOnlyList<T> cases, Func<T, string> values)
        => string.Join(", ", cases.Select((c, i) => $"({i}, {values(c)})"));

    /// <summary>Runs a statement whose rows are (case number, answer) and returns the answers in case order.</summary>
    private async Task<List<T>> QueryAsync<T>(string sql, params object[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create(api.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        var answers = new SortedDictionary<int, T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) answers.Add(reader.GetInt32(0), reader.GetFieldValue<T>(1));
        Assert.NotEmpty(answers);
        return [.. answers.Values];
    }
}
