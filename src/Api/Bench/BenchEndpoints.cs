#if BENCHMARK
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Identity;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Assemble.Api.Bench;

/// <summary>
/// Compiled only into the benchmark build (bench/run.sh): a seeding endpoint, and raw-Npgsql baselines that run
/// the same SQL as the real endpoints, so each figure has a floor to be compared with in the same run.
/// </summary>
public static class BenchEndpoints
{
    /// <param name="WarmupRounds">How many warm-up events each registration path gets (default 3).</param>
    public sealed record SeedRequest(int Members, int ListEvents, int Capacity, int? WarmupRounds);

    /// <param name="Warmups">The real endpoint's warm-up events as "eventId/ticketTypeId", in the order to run them.</param>
    /// <param name="BaselineWarmups">The baseline's, likewise.</param>
    public sealed record SeedResponse(
        Guid RegistrationEventId, Guid RegistrationTicketTypeId, Guid BaselineEventId, Guid BaselineTicketTypeId,
        IReadOnlyList<string> Warmups, IReadOnlyList<string> BaselineWarmups, IReadOnlyList<string> Tokens);

    public static void MapBenchEndpoints(this IEndpointRouteBuilder app)
    {
        var bench = app.MapGroup("/bench").ExcludeFromDescription();
        bench.MapDirectoryBench();
        bench.MapPhaseTimings();
        // What the JIT has done so far (methods compiled, milliseconds spent): run.sh prints what it did during each measured registration run.
        bench.MapGet("/jit", () => $"{System.Runtime.JitInfo.GetCompiledMethodCount()} {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F0}\n");

        // Members with confirmed e-mail and bearer tokens minted as the Identity endpoint mints them (no password
        // hashing: thousands of 210,000-iteration sign-ins would dominate the set-up), plus the events to list.
        bench.MapPost("/seed", async (SeedRequest request, AppDbContext db, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider time) =>
        {
            var now = time.GetUtcNow();
            var organizer = new AppUser { UserName = "bench-organizer@example.jp", Email = "bench-organizer@example.jp", NormalizedEmail = "BENCH-ORGANIZER@EXAMPLE.JP", NormalizedUserName = "BENCH-ORGANIZER@EXAMPLE.JP", EmailConfirmed = true };
            db.Users.Add(organizer);
            var members = Enumerable.Range(0, request.Members).Select(i => new AppUser
            {
                UserName = $"bench{i}@example.jp", NormalizedUserName = $"BENCH{i}@EXAMPLE.JP",
                Email = $"bench{i}@example.jp", NormalizedEmail = $"BENCH{i}@EXAMPLE.JP", EmailConfirmed = true,
            }).ToList();
            db.Users.AddRange(members);

            Event Make(int i, int capacity, int price, EventFormat format, Prefecture? prefecture)
            {
                var start = now.AddDays(3 + i % 60).AddHours(i % 12);
                var e = Event.Create(Guid.CreateVersion7(now), organizer.Id, new EventDetails(
                    (EventKind)(i % 6 == 2 ? 0 : i % 6), format, $"ベンチマーク勉強会 {i}", "支援職のための勉強会です。", "Asia/Tokyo",
                    [(null, start, start.AddHours(2))],
                    format == EventFormat.Online ? null : new Venue("会議室", "東京都千代田区", prefecture),
                    format == EventFormat.InPerson ? null : "https://zoom.example/j/1", null, null, Audience.AllMembers, [], capacity, false,
                    [], [], [], 24, 30, 24), now).Value!;
                e.DefineTicketType(null, "一般", price, null, null, null, null, 1, "ticketTypes[0]", now);
                e.Publish(new Dictionary<Guid, IReadOnlyList<Profession>>(), now);
                return e;
            }

            static string Path(Event e) => $"{e.Id}/{e.TicketTypes[0].Id}";

            for (var i = 0; i < request.ListEvents; i++)
                db.Events.Add(Make(i, 40, i % 3 == 0 ? 0 : 1000 * (i % 5 + 1), (EventFormat)(i % 3), (Prefecture)(i % 47 + 1)));
            var target = Make(9001, request.Capacity, 0, EventFormat.Online, null);
            var baseline = Make(9002, request.Capacity, 0, EventFormat.Online, null);
            // Events like the measured ones to warm the JIT up on both sides before anything is measured: each warm-up
            // run takes every seat and then answers "sold out", so both phases of the measured run are compiled. They
            // have a seat for every member, so the seat path runs for seconds, not the one second a 1,000-seat event
            // lasts. And there are several, run one after the other: tiered compilation promotes a method in steps
            // (unoptimised, then instrumented, then optimised), each after further calls, so a seat path that ran in one
            // burst and then only answered "sold out" for the rest of the warm-up stayed in instrumented code, and was
            // optimised during the measured run's first second (the JIT's own log of what it compiled showed it).
            var rounds = Math.Max(1, request.WarmupRounds ?? 3);
            var warmups = Enumerable.Range(0, rounds).Select(i => Make(9100 + i, request.Members, 0, EventFormat.Online, null)).ToList();
            var baselineWarmups = Enumerable.Range(0, rounds).Select(i => Make(9200 + i, request.Members, 0, EventFormat.Online, null)).ToList();
            db.Events.AddRange([target, baseline, .. warmups, .. baselineWarmups]);
            await db.SaveChangesAsync();

            var options = bearer.Get(IdentityConstants.BearerScheme);
            var tokens = members.Select(m =>
            {
                var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, m.Id.ToString()), new Claim(ClaimTypes.Name, m.UserName!)], IdentityConstants.BearerScheme);
                var properties = new AuthenticationProperties { ExpiresUtc = now.AddHours(4) };
                return options.BearerTokenProtector.Protect(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, IdentityConstants.BearerScheme));
            }).ToList();
            return TypedResults.Ok(new SeedResponse(target.Id, target.TicketTypes[0].Id, baseline.Id, baseline.TicketTypes[0].Id,
                [.. warmups.Select(Path)], [.. baselineWarmups.Select(Path)], tokens));
        });

        // An event with N confirmed attendees whose "1 hour before" reminder is already due (reminder fan-out benchmark).
        bench.MapPost("/seed-reminder", async (int attendees, AppDbContext db, NpgsqlDataSource dataSource, TimeProvider time) =>
        {
            var now = time.GetUtcNow();
            var organizer = new AppUser { UserName = $"rem-org-{Guid.NewGuid():N}@example.jp", Email = $"rem-org-{Guid.NewGuid():N}@example.jp", EmailConfirmed = true };
            db.Users.Add(organizer);
            var start = now.AddHours(1).AddSeconds(-30);
            var e = Event.Create(Guid.CreateVersion7(now), organizer.Id, new EventDetails(EventKind.StudySession, EventFormat.Online, "リマインド負荷試験",
                null, "Asia/Tokyo", [(null, start, start.AddHours(2))], null, "https://zoom.example/j/bench", null, null, Audience.AllMembers, [],
                attendees, false, [], [], [], 24, 30, 24), now).Value!;
            e.DefineTicketType(null, "無料", 0, null, null, null, null, 1, "ticketTypes[0]", now);
            // Published only once its attendees are in (below): a mail job running in between would otherwise send the
            // reminder to nobody, and a reminder goes out once.
            e.SetReminderRules([new ReminderRule(null, null, 1)], now);
            db.Events.Add(e);
            await db.SaveChangesAsync();
            await using var command = dataSource.CreateCommand("""
                WITH u AS (
                    INSERT INTO users (id, created_at, user_name, normalized_user_name, email, normalized_email, email_confirmed, security_stamp,
                                       phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
                    SELECT gen_random_uuid(), now(), 'rem' || g || '-' || $3 || '@example.jp', upper('rem' || g || '-' || $3 || '@example.jp'),
                           'rem' || g || '-' || $3 || '@example.jp', upper('rem' || g || '-' || $3 || '@example.jp'), true, md5(g::text), false, false, true, 0
                    FROM generate_series(1, $2) AS g
                    RETURNING id)
                INSERT INTO registrations (id, event_id, member_id, ticket_type_id, quantity, status, amount_yen, answers, check_in_code, created_at, confirmed_at)
                SELECT gen_random_uuid(), $1, u.id, $4, 1, 'Confirmed', 0, '[]', upper(substr(md5(u.id::text), 1, 20)), now(), now() FROM u
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = e.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = attendees });
            command.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid().ToString("N")[..8] });
            command.Parameters.Add(new NpgsqlParameter { Value = e.TicketTypes[0].Id });
            await command.ExecuteNonQueryAsync();
            await using var seats = dataSource.CreateCommand("UPDATE events SET seats_taken = capacity, status = 'Published' WHERE id = $1");
            seats.Parameters.Add(new NpgsqlParameter { Value = e.Id });
            await seats.ExecuteNonQueryAsync();
            return TypedResults.Ok(new { eventId = e.Id, attendees });
        });

        // GET /api/events as raw SQL: the same columns, filters, order and limit, mapped to the same JSON.
        bench.MapGet("/baseline/events", async (NpgsqlDataSource dataSource, TimeProvider time, string? format, bool? hasSeats, int? limit) =>
        {
            var now = time.GetUtcNow();
            var take = limit ?? 20;
            var sql = """
                SELECT e.id, e.kind, e.format, e.status, e.title, e.time_zone, e.starts_at, e.ends_at, e.venue_name, e.venue_prefecture,
                       e.audience, e.capacity, e.seats_taken,
                       (SELECT min(t.price_yen) FROM ticket_types AS t WHERE e.id = t.event_id AND NOT t.members_only),
                       COALESCE((SELECT min(t.price_yen) FROM ticket_types AS t WHERE e.id = t.event_id), 0),
                       COALESCE((SELECT min(COALESCE(t.member_price_yen, t.price_yen)) FROM ticket_types AS t WHERE e.id = t.event_id), 0),
                       e.members_only
                FROM events AS e
                WHERE e.status = 'Published' AND e.ends_at > $1
                """;
            var parameters = new List<object> { now };
            if (format is not null)
            {
                parameters.Add(Enum.Parse<EventFormat>(format, ignoreCase: true).ToString());
                sql += $" AND e.format = ${parameters.Count}";
            }
            if (hasSeats is { } seats) sql += seats ? " AND e.seats_taken < e.capacity" : " AND e.seats_taken >= e.capacity";
            parameters.Add(take + 1);
            sql += $" ORDER BY e.starts_at, e.id LIMIT ${parameters.Count}";
            await using var command = dataSource.CreateCommand(sql);
            foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
            var items = new List<EventSummary>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var tz = reader.GetString(5);
                var capacity = reader.GetInt32(11);
                var taken = reader.GetInt32(12);
                int? lowestOpen = reader.IsDBNull(13) ? null : reader.GetInt32(13);
                var lowest = lowestOpen ?? reader.GetInt32(14);
                var lowestForMembers = reader.GetInt32(15);
                var membersOnly = reader.GetBoolean(16);
                var ends = reader.GetFieldValue<DateTimeOffset>(7);
                items.Add(new EventSummary(reader.GetGuid(0), Enum.Parse<EventKind>(reader.GetString(1)), Enum.Parse<EventFormat>(reader.GetString(2)),
                    ends <= now ? EventStatus.Completed : Enum.Parse<EventStatus>(reader.GetString(3)), reader.GetString(4), tz,
                    EventTime.Of(reader.GetFieldValue<DateTimeOffset>(6), tz), EventTime.Of(ends, tz),
                    reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : Enum.Parse<Prefecture>(reader.GetString(9)),
                    Enum.Parse<Audience>(reader.GetString(10)), capacity, Math.Max(0, capacity - taken), taken >= capacity, lowest, lowestForMembers, !membersOnly && lowestOpen == 0, membersOnly));
            }
            var page = items.Count > take ? items.Take(take).ToList() : items;
            return TypedResults.Ok(new Page<EventSummary>(page, items.Count > take ? Cursor.Encode(page[^1].StartsAt.Utc, page[^1].Id) : null));
        });

        // Registration as one guarded statement: the seat counter and the row in a single round trip.
        bench.MapPost("/baseline/events/{eventId:guid}/registrations", async Task<IResult> (Guid eventId, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider time, BaselineRequest request) =>
        {
            var now = time.GetUtcNow();
            await using var command = dataSource.CreateCommand("""
                WITH seat AS (
                    UPDATE events SET seats_taken = seats_taken + 1
                    WHERE id = $1 AND status = 'Published' AND seats_taken < capacity
                    RETURNING id)
                INSERT INTO registrations (id, event_id, member_id, ticket_type_id, quantity, status, amount_yen, answers, check_in_code, created_at, confirmed_at)
                SELECT $2, seat.id, $3, $4, 1, 'Confirmed', 0, '[]', $5, $6, $6 FROM seat
                RETURNING id
                """);
            var id = Guid.CreateVersion7(now);
            command.Parameters.Add(new NpgsqlParameter { Value = eventId });
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            command.Parameters.Add(new NpgsqlParameter { Value = user.RequiredMemberId() });
            command.Parameters.Add(new NpgsqlParameter { Value = request.TicketTypeId });
            command.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid().ToString("N")[..20].ToUpperInvariant() });
            command.Parameters.Add(new NpgsqlParameter { Value = now });
            try
            {
                return await command.ExecuteScalarAsync() is null
                    ? TypedResults.Problem(statusCode: 409, title: "sold out")
                    : TypedResults.Created($"/api/registrations/{id}", new { id });
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return TypedResults.Problem(statusCode: 409, title: "already registered");
            }
        }).RequireAuthorization();
    }

    public sealed record BaselineRequest(Guid TicketTypeId);
}
#endif
