using Assemble.Infrastructure.Persistence.Seats;
using System.Net.Http.Json;
using System.Text.Json;
using Assemble.Api.Features.Email;
using Assemble.Api.Features.Registrations;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>Capacity holds under many simultaneous requests through two API instances on one database.</summary>
public sealed class RegistrationRaceTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    private async Task<(int Created, int Accepted, int SoldOut, int Other, List<string> Unexpected)> RaceAsync(List<TestMember> members, Guid eventId, Guid ticketTypeId)
    {
        await using var second = api.SecondInstance();
        var secondClient = second.CreateClient();
        using var start = new SemaphoreSlim(0);
        var tasks = members.Select(async (m, i) =>
        {
            // Half the members go through the other API process.
            var client = i % 2 == 0 ? m.Client : secondClient;
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{eventId}/registrations") { Content = JsonContent.Create(new { ticketTypeId }) };
            request.Headers.Authorization = m.Client.DefaultRequestHeaders.Authorization;
            await start.WaitAsync();
            return await client.SendAsync(request);
        }).ToList();
        start.Release(members.Count);
        var responses = await Task.WhenAll(tasks);
        var unexpected = new List<string>();
        int created = 0, accepted = 0, soldOut = 0, other = 0;
        foreach (var r in responses)
        {
            switch ((int)r.StatusCode)
            {
                case 201: created++; break;
                case 202: accepted++; break;
                case 409 when (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString() == "registration.sold_out": soldOut++; break;
                default: other++; unexpected.Add($"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}"); break;
            }
        }
        return (created, accepted, soldOut, other, unexpected);
    }

    [Fact]
    public async Task Last_seats_bought_concurrently_by_200_members_through_two_instances_are_sold_exactly_once()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 50));
        var members = await api.MembersAsync(200);

        var (created, accepted, soldOut, other, unexpected) = await RaceAsync(members, e.Id, e.TicketTypeId);

        Assert.True(other == 0, string.Join("\n", unexpected.Take(5)) + string.Join("\n", api.Logs.Lines.Where(l => l.StartsWith("Error")).Take(3)));
        Assert.Equal(50, created + accepted);
        Assert.Equal(150, soldOut);
        await AssertSeatedWithTheirMailAsync(e, members, 50);
    }

    /// <summary>The event's row locked by a transaction of the test's own, until released: seat statements wait on it.</summary>
    private async Task<HeldRow> HoldEventRowAsync(Guid eventId)
    {
        var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand($"SELECT 1 FROM events WHERE id = '{eventId}' FOR UPDATE", connection, transaction)) await hold.ExecuteScalarAsync();
        return new HeldRow(connection, transaction);
    }

    private sealed class HeldRow(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public Task ReleaseAsync() => transaction.CommitAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>The counters, the confirmed registrations, their notices and their confirmation mails all say <paramref name="seats"/>.</summary>
    private async Task AssertSeatedWithTheirMailAsync(EventsFactory.CreatedEvent e, List<TestMember> members, int seats)
    {
        Assert.Equal(seats, await api.SeatsTakenAsync(e.Id));
        Assert.Equal(seats, await api.DbAsync(db => db.TicketTypes.Where(t => t.Id == e.TicketTypeId).Select(t => t.SeatsTaken).SingleAsync()));
        Assert.Equal(seats, await api.DbAsync(db => db.Registrations.CountAsync(r => r.EventId == e.Id && r.Status == RegistrationStatus.Confirmed)));
        Assert.Equal(seats, await api.CountAsync($"SELECT count(*) FROM notification_records WHERE event_id = '{e.Id}' AND type = 'registration.confirmed'"));
        Assert.Equal(seats, await api.CountAsync($"SELECT count(DISTINCT d.subject_id) FROM notification_records d JOIN registrations r ON r.id = d.subject_id AND r.member_id = d.member_id WHERE r.event_id = '{e.Id}' AND r.status = 'Confirmed'"));
        // Each confirmed registration's notice becomes its own mail, once, however many notifiers run at the same time
        // (each on its own connection, as on separate instances).
        var scopes = api.Services.GetRequiredService<IServiceScopeFactory>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Notifier.RunOnceAsync(scopes, DateTimeOffset.UtcNow, CancellationToken.None))));
        var emails = string.Join(",", members.Select(m => $"'{m.Email}'"));
        Assert.Equal(seats, await api.CountAsync($"SELECT count(*) FROM outbox_emails WHERE attachment_name = 'event.ics' AND \"to\" IN ({emails})"));
    }

    [Fact]
    public async Task Registrations_queued_behind_a_locked_event_are_seated_together_in_order_with_their_mail()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 5));
        var members = await api.MembersAsync(10);
        var desk = api.Services.GetRequiredService<GroupCommitQueue<SeatStatements.Request>>();
        var batchesBefore = desk.Batches;

        // Hold the event's row: the first registration's statement waits on it, the others queue behind it.
        await using var rowLock = await HoldEventRowAsync(e.Id);
        var first = members[0].Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId });
        await TestDatabases.WaitForLockWaiterAsync(api.ConnectionString);
        var rest = members.Skip(1).Select(m => m.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId })).ToList();
        await Task.Delay(500);
        await rowLock.ReleaseAsync();

        var responses = await Task.WhenAll(rest.Prepend(first));
        Assert.Equal(5, responses.Count(r => (int)r.StatusCode == 201));
        foreach (var r in responses.Where(r => (int)r.StatusCode != 201)) await Expect.ProblemAsync(r, 409, "registration.sold_out");
        Assert.True(desk.Batches - batchesBefore < 10, $"{desk.Batches - batchesBefore} batches for 10 registrations");
        await AssertSeatedWithTheirMailAsync(e, members, 5);
        Assert.Equal(5, await api.CountAsync($"SELECT count(*) FROM registrations WHERE event_id = '{e.Id}' AND status = 'Confirmed' AND quantity = 1 AND confirmed_at IS NOT NULL"));
        // The first to press "register" was seated.
        Assert.Equal(201, (int)responses[0].StatusCode);
    }

    [Fact]
    public async Task A_member_queued_twice_in_one_shared_run_is_seated_once_and_told_so()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 4));
        var members = await api.MembersAsync(5);
        var desk = api.Services.GetRequiredService<GroupCommitQueue<SeatStatements.Request>>();

        // Behind a held event row, the queue is: A (running alone, waiting for the lock), then B, A again, C, B again, D, E:
        // in the shared run A already holds a seat, and B asks twice in the same run.
        await using var rowLock = await HoldEventRowAsync(e.Id);
        Task<HttpResponseMessage> Register(TestMember m) => m.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId });
        var first = Register(members[0]);
        await TestDatabases.WaitForLockWaiterAsync(api.ConnectionString);
        var batchesBefore = desk.Batches;
        var queued = new List<Task<HttpResponseMessage>>();
        foreach (var m in new[] { members[1], members[0], members[2], members[1], members[3], members[4] })
        {
            queued.Add(Register(m));
            // Each one is in the lane's queue before the next is sent, so queue order is the order above.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (desk.Queued(e.Id) < queued.Count && DateTime.UtcNow < deadline) await Task.Delay(10);
            Assert.Equal(queued.Count, desk.Queued(e.Id));
        }
        await rowLock.ReleaseAsync();

        var a = await first;
        var rest = await Task.WhenAll(queued);
        Assert.Equal(1, desk.Batches - batchesBefore); // the six queued ones shared one run
        Assert.Equal(201, (int)a.StatusCode);
        // A's seat was taken in the first run; in the shared run B's first request, C and D get the three seats left.
        Assert.Equal(201, (int)rest[0].StatusCode);
        await Expect.ProblemAsync(rest[1], 409, "registration.already_registered");
        Assert.Equal(201, (int)rest[2].StatusCode);
        await Expect.ProblemAsync(rest[3], 409, "registration.already_registered");
        Assert.Equal(201, (int)rest[4].StatusCode);
        await Expect.ProblemAsync(rest[5], 409, "registration.sold_out");
        foreach (var m in members.Take(4))
            Assert.Equal(1, await api.DbAsync(db => db.Registrations.CountAsync(r => r.EventId == e.Id && r.MemberId == m.Id)));
        Assert.Equal(4, await api.SeatsTakenAsync(e.Id));
        Assert.Equal(4, await api.DbAsync(db => db.Registrations.CountAsync(r => r.EventId == e.Id && r.Status == RegistrationStatus.Confirmed)));
    }

    [Fact]
    public async Task A_ticket_type_quota_inside_a_larger_capacity_is_never_exceeded()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 200, priceYen: 3000, quota: 30));
        var members = await api.MembersAsync(120);

        var (created, accepted, soldOut, other, unexpected) = await RaceAsync(members, e.Id, e.TicketTypeId);

        Assert.True(other == 0, string.Join("\n", unexpected.Take(5)) + string.Join("\n", api.Logs.Lines.Where(l => l.StartsWith("Error")).Take(3)));
        Assert.Equal(0, created);
        Assert.Equal(30, accepted); // paid: held for payment
        Assert.Equal(90, soldOut);
        Assert.Equal(30, await api.DbAsync(db => db.TicketTypes.Where(t => t.Id == e.TicketTypeId).Select(t => t.SeatsTaken).SingleAsync()));
        Assert.Equal(30, await api.SeatsTakenAsync(e.Id));
        Assert.Equal(30, await api.CountAsync($"SELECT count(*) FROM registrations WHERE event_id = '{e.Id}' AND status = 'PendingPayment' AND amount_yen = 3000"));
    }

    [Fact]
    public async Task One_member_pressing_register_many_times_at_once_gets_one_registration()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 10));
        var member = await api.MemberAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId })));
        Assert.Equal(1, responses.Count(r => (int)r.StatusCode == 201));
        foreach (var r in responses.Where(r => (int)r.StatusCode != 201)) await Expect.ProblemAsync(r, 409, "registration.already_registered");
        Assert.Equal(1, await api.SeatsTakenAsync(e.Id));
    }

    [Fact]
    public async Task The_same_idempotency_key_gives_the_same_answer_and_one_effect()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 10));
        var member = await api.MemberAsync();
        var key = Guid.NewGuid().ToString();
        async Task<HttpResponseMessage> Send(object body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{e.Id}/registrations") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await member.Client.SendAsync(request);
        }

        var first = await Send(new { ticketTypeId = e.TicketTypeId });
        var firstBody = await first.ReadAsync<RegistrationView>(201);
        var again = await Send(new { ticketTypeId = e.TicketTypeId });
        var againBody = await again.ReadAsync<RegistrationView>(201);
        Assert.Equal(firstBody.Id, againBody.Id);
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal(1, await api.DbAsync(db => db.Registrations.CountAsync(r => r.EventId == e.Id)));

        await Expect.ProblemAsync(await Send(new { ticketTypeId = e.TicketTypeId, quantity = 1, pledgeAccepted = true }), 422, "idempotency.key_reused");
    }
}

/// <summary>After a sell-out the rush is answered from memory, and a freed seat is never hidden for long.</summary>
public sealed class SoldOutMemoTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    private static async Task<HttpResponseMessage> RegisterAsync(HttpClient client, Guid eventId, Guid ticketTypeId, TestMember member)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{eventId}/registrations") { Content = JsonContent.Create(new { ticketTypeId }) };
        request.Headers.Authorization = member.Client.DefaultRequestHeaders.Authorization;
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task A_sold_out_event_is_answered_from_memory_until_a_cancellation_here_frees_a_seat_for_the_very_next_request()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 1));
        var members = await api.MembersAsync(4);
        var memo = api.Services.GetRequiredService<SeatMemory>();

        var seat = await (await RegisterAsync(members[0].Client, e.Id, e.TicketTypeId, members[0])).ReadAsync<RegistrationView>(201);
        await Expect.ProblemAsync(await RegisterAsync(members[1].Client, e.Id, e.TicketTypeId, members[1]), 409, "registration.sold_out");
        var before = memo.AnsweredSoldOut;
        await Expect.ProblemAsync(await RegisterAsync(members[2].Client, e.Id, e.TicketTypeId, members[2]), 409, "registration.sold_out");
        Assert.Equal(before + 1, memo.AnsweredSoldOut);

        var cancel = await members[0].Client.PostAsJsonAsync($"/api/registrations/{seat.Id}/cancel", new { });
        Assert.True(cancel.IsSuccessStatusCode, await cancel.Content.ReadAsStringAsync());
        await Expect.JsonAsync(await RegisterAsync(members[1].Client, e.Id, e.TicketTypeId, members[1]), 201);
        await Expect.ProblemAsync(await RegisterAsync(members[3].Client, e.Id, e.TicketTypeId, members[3]), 409, "registration.sold_out");
        Assert.Equal(1, await api.SeatsTakenAsync(e.Id));
    }

    [Fact]
    public async Task A_seat_holder_pressing_again_after_the_sell_out_leaves_it_in_memory_for_the_rush_behind()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 1));
        var members = await api.MembersAsync(2);
        var memo = api.Services.GetRequiredService<SeatMemory>();

        await Expect.JsonAsync(await RegisterAsync(members[0].Client, e.Id, e.TicketTypeId, members[0]), 201);
        await Expect.ProblemAsync(await RegisterAsync(members[0].Client, e.Id, e.TicketTypeId, members[0]), 409, "registration.already_registered");
        var before = memo.AnsweredSoldOut;
        await Expect.ProblemAsync(await RegisterAsync(members[1].Client, e.Id, e.TicketTypeId, members[1]), 409, "registration.sold_out");
        Assert.Equal(before + 1, memo.AnsweredSoldOut);
    }

    [Fact]
    public async Task A_seat_freed_through_another_process_is_offered_within_the_memo_lifetime()
    {
        await using var second = api.SecondInstance();
        var secondClient = second.CreateClient();
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 1));
        var members = await api.MembersAsync(2);

        var seat = await (await RegisterAsync(members[0].Client, e.Id, e.TicketTypeId, members[0])).ReadAsync<RegistrationView>(201);
        await Expect.ProblemAsync(await RegisterAsync(secondClient, e.Id, e.TicketTypeId, members[1]), 409, "registration.sold_out");
        var cancel = await members[0].Client.PostAsJsonAsync($"/api/registrations/{seat.Id}/cancel", new { });
        Assert.True(cancel.IsSuccessStatusCode, await cancel.Content.ReadAsStringAsync());

        await Task.Delay(SeatMemory.SoldOutLifetime);
        await Expect.JsonAsync(await RegisterAsync(secondClient, e.Id, e.TicketTypeId, members[1]), 201);
    }
}
