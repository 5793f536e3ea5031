using System.Net.Http.Json;
using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>
/// The seat path keeps events and members in memory (SeatMemory), each under a version PostgreSQL bumps on every change
/// that matters: a change made through the other process, or straight in SQL, decides the very next registration,
/// whether the copies were read for it or recalled without a read.
/// </summary>
public sealed class SeatMemoryTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    private Task<long> VersionAsync(Guid eventId) => api.CountAsync($"SELECT version FROM events WHERE id = '{eventId}'");

    private Task<long> RegistrantVersionAsync(Guid memberId) => api.CountAsync($"SELECT registrant_version FROM users WHERE id = '{memberId}'");

    /// <summary>Registers the member for a fresh event of its own, so that this process keeps the member (a registration reads it).</summary>
    private static async Task KeepAsync(TestMember organizer, TestMember member)
    {
        var other = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession());
        await Expect.StatusAsync(await RegisterAsync(member.Client, member, other.Id, new { ticketTypeId = other.TicketTypeId }), 201);
    }

    [Fact]
    public async Task A_kept_event_changed_in_SQL_is_not_registered_against_by_a_kept_member()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession());
        var members = await api.MembersAsync(2);
        await KeepAsync(organizer, members[1]);
        await Expect.StatusAsync(await RegisterAsync(members[0].Client, members[0], e.Id, new { ticketTypeId = e.TicketTypeId }), 201);

        // Both are kept now; the event gains a required question behind this process's back.
        var question = Guid.NewGuid();
        await api.ScalarAsync($$"""UPDATE events SET questions = '[{"id": "{{question}}", "text": "所属機関の種別", "kind": "text", "options": [], "required": true}]' WHERE id = '{{e.Id}}'""");
        await Expect.ProblemAsync(await RegisterAsync(members[1].Client, members[1], e.Id, new { ticketTypeId = e.TicketTypeId }), 400, "registration.invalid_answers");
        var answered = new { ticketTypeId = e.TicketTypeId, answers = new[] { new { questionId = question, text = "病院" } } };
        await Expect.StatusAsync(await RegisterAsync(members[1].Client, members[1], e.Id, answered), 201);
        Assert.Equal(2, await api.SeatsTakenAsync(e.Id));
    }

    [Fact]
    public async Task A_kept_member_whose_credential_is_revoked_elsewhere_is_refused_by_the_next_registration()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession();
        body["audience"] = "verifiedProfessionals";
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var members = await api.MembersAsync(2);
        await api.VerifiedAsync("clinicalPsychologist", members[0]);
        await api.VerifiedAsync("clinicalPsychologist", members[1]);
        await KeepAsync(organizer, members[1]);
        // The event is kept too: someone registered for it through this process.
        await Expect.StatusAsync(await RegisterAsync(members[0].Client, members[0], e.Id, new { ticketTypeId = e.TicketTypeId }), 201);

        var version = await RegistrantVersionAsync(members[1].Id);
        await api.ScalarAsync($"UPDATE credentials SET status = 'Revoked', rejection_reason = '登録抹消' WHERE member_id = '{members[1].Id}'");
        Assert.True(await RegistrantVersionAsync(members[1].Id) > version);
        await Expect.ProblemAsync(await RegisterAsync(members[1].Client, members[1], e.Id, new { ticketTypeId = e.TicketTypeId }), 422, "registration.not_eligible");
        Assert.Equal(1, await api.SeatsTakenAsync(e.Id));
    }

    [Fact]
    public async Task A_member_refused_from_memory_is_checked_again_on_what_is_read()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession());
        var kept = await api.MemberAsync();
        var unconfirmed = await api.MemberAsync(emailConfirmed: false);
        await Expect.StatusAsync(await RegisterAsync(kept.Client, kept, e.Id, new { ticketTypeId = e.TicketTypeId }), 201);
        await Expect.ProblemAsync(await RegisterAsync(unconfirmed.Client, unconfirmed, e.Id, new { ticketTypeId = e.TicketTypeId }), 422, "registration.email_unconfirmed");

        var version = await RegistrantVersionAsync(unconfirmed.Id);
        await api.ScalarAsync($"UPDATE users SET email_confirmed = true WHERE id = '{unconfirmed.Id}'");
        Assert.Equal(version + 1, await RegistrantVersionAsync(unconfirmed.Id));
        await Expect.StatusAsync(await RegisterAsync(unconfirmed.Client, unconfirmed, e.Id, new { ticketTypeId = e.TicketTypeId }), 201);
    }

    [Fact]
    public async Task The_registrant_version_moves_with_the_email_confirmation_and_the_credentials_only()
    {
        var member = await api.VerifiedAsync("certifiedSocialWorker");
        async Task<bool> Moves(string sql)
        {
            var before = await RegistrantVersionAsync(member.Id);
            await api.ScalarAsync(sql);
            return await RegistrantVersionAsync(member.Id) != before;
        }

        Assert.False(await Moves($"UPDATE users SET email_confirmed = true, phone_number = '090' WHERE id = '{member.Id}'"));
        Assert.True(await Moves($"UPDATE users SET email_confirmed = false WHERE id = '{member.Id}'"));
        Assert.True(await Moves($"UPDATE credentials SET expires_on = DATE '2020-01-01' WHERE member_id = '{member.Id}'"));
        Assert.True(await Moves($"UPDATE credentials SET status = 'Revoked', rejection_reason = '登録抹消' WHERE member_id = '{member.Id}'"));
        Assert.False(await Moves($"UPDATE credentials SET issuer = issuer WHERE member_id = '{member.Id}'"));
        Assert.True(await Moves($"DELETE FROM credentials WHERE member_id = '{member.Id}'"));
    }

    private static Task<HttpResponseMessage> RegisterAsync(HttpClient client, TestMember member, Guid eventId, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{eventId}/registrations") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = member.Client.DefaultRequestHeaders.Authorization;
        return client.SendAsync(request);
    }

    [Fact]
    public async Task A_change_through_the_other_process_or_in_SQL_decides_the_next_registration()
    {
        await using var second = api.SecondInstance();
        var secondClient = second.CreateClient();
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession(capacity: 40);
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var members = await api.MembersAsync(5);

        // The first registration through this process loads the event and keeps it; seats taken leave the version alone.
        var version = await VersionAsync(e.Id);
        await Expect.StatusAsync(await RegisterAsync(members[0].Client, members[0], e.Id, new { ticketTypeId = e.TicketTypeId }), 201);
        await Expect.StatusAsync(await RegisterAsync(members[1].Client, members[1], e.Id, new { ticketTypeId = e.TicketTypeId }), 201);
        Assert.Equal(version, await VersionAsync(e.Id));

        // Through the other process: a required question. This process must ask for the answer at once.
        var question = Guid.NewGuid();
        body["questions"] = new object[] { new { id = question, text = "所属機関の種別", kind = "text", required = true } };
        body["ticketTypes"] = new object[] { new Dictionary<string, object?> { ["id"] = e.TicketTypeId, ["name"] = "一般", ["priceYen"] = 0 } };
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/events/{e.Id}") { Content = JsonContent.Create(body) };
        put.Headers.Authorization = organizer.Client.DefaultRequestHeaders.Authorization;
        await Expect.StatusAsync(await secondClient.SendAsync(put), 200);
        Assert.True(await VersionAsync(e.Id) > version);
        await Expect.ProblemAsync(await RegisterAsync(members[2].Client, members[2], e.Id, new { ticketTypeId = e.TicketTypeId }), 400, "registration.invalid_answers");
        var answered = new { ticketTypeId = e.TicketTypeId, answers = new[] { new { questionId = question, text = "病院" } } };
        await Expect.StatusAsync(await RegisterAsync(members[2].Client, members[2], e.Id, answered), 201);

        // Straight in SQL, on the ticket type only: its sales close.
        await api.ScalarAsync($"UPDATE ticket_types SET sales_end_at = now() - interval '1 minute' WHERE id = '{e.TicketTypeId}'");
        await Expect.ProblemAsync(await RegisterAsync(members[3].Client, members[3], e.Id, answered), 422, "registration.sales_closed");
        await Expect.ProblemAsync(await RegisterAsync(secondClient, members[3], e.Id, answered), 422, "registration.sales_closed");

        // And open again, with a price: a hold for payment instead of a confirmed seat.
        await api.ScalarAsync($"UPDATE ticket_types SET sales_end_at = NULL, price_yen = 2000 WHERE id = '{e.TicketTypeId}'");
        await Expect.StatusAsync(await RegisterAsync(members[3].Client, members[3], e.Id, answered), 202);
        Assert.Equal(4, await api.CountAsync($"SELECT seats_taken FROM events WHERE id = '{e.Id}'"));
    }

    [Fact]
    public async Task The_version_moves_with_the_event_and_its_ticket_types_but_not_with_the_seat_counters()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 40));
        async Task<bool> Moves(string sql)
        {
            var before = await VersionAsync(e.Id);
            await api.ScalarAsync(sql);
            return await VersionAsync(e.Id) != before;
        }

        Assert.False(await Moves($"UPDATE events SET seats_taken = seats_taken + 1 WHERE id = '{e.Id}'"));
        Assert.False(await Moves($"UPDATE ticket_types SET seats_taken = seats_taken + 1 WHERE id = '{e.TicketTypeId}'"));
        Assert.True(await Moves($"UPDATE events SET capacity = 41 WHERE id = '{e.Id}'"));
        Assert.True(await Moves($"UPDATE events SET title = title, seats_taken = seats_taken - 1 WHERE id = '{e.Id}'"));
        Assert.True(await Moves($"UPDATE ticket_types SET quota = 20 WHERE id = '{e.TicketTypeId}'"));
        var added = Guid.NewGuid();
        Assert.True(await Moves($"INSERT INTO ticket_types (id, event_id, name, price_yen, max_per_member, seats_taken, tax, members_only) VALUES ('{added}', '{e.Id}', '学生', 0, 1, 0, 'Standard', false)"));
        Assert.True(await Moves($"DELETE FROM ticket_types WHERE id = '{added}'"));
    }
}
