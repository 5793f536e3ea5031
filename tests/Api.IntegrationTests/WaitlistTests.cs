using System.Net.Http.Json;
using System.Text.Json;
using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Api.Features.Registrations;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class WaitlistTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    private static Task<RegistrationView> Register(TestMember m, EventsFactory.CreatedEvent e, int status = 201)
        => m.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, status);

    [Fact]
    public async Task Three_cancellations_offer_three_seats_in_order_the_public_still_sees_sold_out_and_an_expired_offer_passes_on()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 5));
        var attendees = await api.MembersAsync(5);
        foreach (var a in attendees) await Register(a, e);
        var waiting = await api.MembersAsync(10);
        await Expect.ProblemAsync(await waiting[0].Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 409, "registration.sold_out");
        foreach (var w in waiting)
            await Expect.StatusAsync(await w.Client.PostAsJsonAsync($"/api/events/{e.Id}/waitlist", new { ticketTypeId = e.TicketTypeId }), 201);
        var place = await waiting[6].Client.GetAsync<WaitlistView>($"/api/events/{e.Id}/waitlist");
        Assert.Equal(7, place.Position);

        // Three attendees cancel; cancelling again changes nothing and promotes nobody extra.
        var registrations = new List<Guid>();
        foreach (var a in attendees.Take(3))
        {
            var mine = await a.Client.GetAsync<Page<RegistrationView>>("/api/me/registrations");
            var id = mine.Items[0].Id;
            registrations.Add(id);
            await Expect.StatusAsync(await a.Client.PostAsync($"/api/registrations/{id}/cancel", null), 200);
            await Expect.ProblemAsync(await a.Client.PostAsync($"/api/registrations/{id}/cancel", null), 409, "registration.not_cancellable");
        }

        var offered = await OfferedAsync(e.Id);
        Assert.Equal(waiting.Take(3).Select(w => w.Id).ToHashSet(), offered.ToHashSet());
        var view = await api.CreateClient().GetAsync<EventView>($"/api/events/{e.Id}");
        Assert.Equal(0, view.SeatsLeft);
        Assert.True(view.SoldOut);
        Assert.Equal(5, await api.SeatsTakenAsync(e.Id));
        Assert.Equal(3, await api.DbAsync(db => db.NotificationRecords.CountAsync(n => n.EventId == e.Id && n.Type == "waitlist.offer_made")));

        // Nobody who is not first in line can take the seat meanwhile.
        var latecomer = await api.MemberAsync();
        await Expect.ProblemAsync(await latecomer.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 409, "registration.sold_out");

        // The first accepts, the second declines (the 4th gets it), the third lets it expire (the 5th gets it) in one job run.
        var firstOffer = await waiting[0].Client.GetAsync<WaitlistView>($"/api/events/{e.Id}/waitlist");
        var accepted = await waiting[0].Client.PostAsync<RegistrationView>($"/api/waitlist-offers/{firstOffer.Id}/accept", null);
        Assert.Equal(RegistrationStatus.Confirmed, accepted.Status);
        var secondOffer = await waiting[1].Client.GetAsync<WaitlistView>($"/api/events/{e.Id}/waitlist");
        await Expect.StatusAsync(await waiting[1].Client.PostAsync($"/api/waitlist-offers/{secondOffer.Id}/decline", null), 200);
        Assert.Contains(waiting[3].Id, await OfferedAsync(e.Id));

        var thirdOffer = await waiting[2].Client.GetAsync<WaitlistView>($"/api/events/{e.Id}/waitlist");
        var expiresAt = thirdOffer.OfferExpiresAt!.Value;
        Assert.True(await api.RunSeatExpiryAsync(expiresAt.AddSeconds(1)) >= 1);
        var nowOffered = await OfferedAsync(e.Id);
        Assert.DoesNotContain(waiting[2].Id, nowOffered);
        Assert.Contains(waiting[4].Id, nowOffered);
        Assert.Equal(5, await api.SeatsTakenAsync(e.Id));
        // Someone else's offer is not found.
        await Expect.ProblemAsync(await waiting[9].Client.PostAsync($"/api/waitlist-offers/{thirdOffer.Id}/accept", null), 404, "waitlist.offer_not_found");
        await Expect.ProblemAsync(await waiting[2].Client.PostAsync($"/api/waitlist-offers/{thirdOffer.Id}/accept", null), 409, "waitlist.offer_not_open");
        // Running the job again changes nothing.
        Assert.Equal(0, await api.RunSeatExpiryAsync(expiresAt.AddSeconds(2)));
    }

    [Fact]
    public async Task Joining_the_waitlist_is_refused_while_seats_remain_and_leaving_frees_the_place()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 1));
        var member = await api.MemberAsync();
        await Expect.ProblemAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/waitlist", new { ticketTypeId = e.TicketTypeId }), 409, "waitlist.not_sold_out");
        var holder = await api.MemberAsync();
        await Register(holder, e);
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/waitlist", new { ticketTypeId = e.TicketTypeId }), 201);
        await Expect.ProblemAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/waitlist", new { ticketTypeId = e.TicketTypeId }), 409, "waitlist.already_waiting");
        await Expect.ProblemAsync(await holder.Client.PostAsJsonAsync($"/api/events/{e.Id}/waitlist", new { ticketTypeId = e.TicketTypeId }), 409, "registration.already_registered");
        await Expect.StatusAsync(await member.Client.DeleteAsync($"/api/events/{e.Id}/waitlist"), 204);
        await Expect.ProblemAsync(await member.Client.GetAsync($"/api/events/{e.Id}/waitlist"), 404, "waitlist.not_waiting");
    }

    [Fact]
    public async Task A_payment_hold_that_runs_out_is_released_and_its_seat_offered_to_the_first_in_line()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 1, priceYen: 3000));
        var buyer = await api.MemberAsync();
        // Read raw first: an unpaid hold's answer has no check-in code at all (absent, not null).
        var raw = await Expect.JsonAsync(await buyer.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 202);
        Assert.False(raw.TryGetProperty("checkInCode", out _));
        var hold = raw.Deserialize<RegistrationView>(ApiJson.Options)!;
        Assert.Equal(RegistrationStatus.PendingPayment, hold.Status);
        Assert.Equal(3000, hold.AmountYen);
        var expires = hold.HoldExpiresAt!.Value;
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));

        var waiter = await api.MemberAsync();
        await Expect.StatusAsync(await waiter.Client.PostAsJsonAsync($"/api/events/{e.Id}/waitlist", new { ticketTypeId = e.TicketTypeId }), 201);
        Assert.Equal(0, await api.RunSeatExpiryAsync(expires.AddSeconds(-5)));
        // Its session could still be paid: the seat waits for the payment job, which expires the session at Stripe first.
        Assert.Equal(0, await api.RunSeatExpiryAsync(expires.AddSeconds(1)));
        Assert.Equal(1, (await api.RunPaymentJobsAsync(expires.AddSeconds(1))).SessionsSettled);
        var expired = await buyer.Client.GetAsync<RegistrationView>($"/api/registrations/{hold.Id}");
        Assert.Equal(RegistrationStatus.Expired, expired.Status);
        Assert.Equal(new[] { waiter.Id }, await OfferedAsync(e.Id));
    }

    [Fact]
    public async Task Raising_the_capacity_offers_the_new_seats_to_the_waitlist()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession(capacity: 1);
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        await Register(await api.MemberAsync(), e);
        var waiters = await api.MembersAsync(3);
        foreach (var w in waiters) await w.Client.PostAsJsonAsync($"/api/events/{e.Id}/waitlist", new { ticketTypeId = e.TicketTypeId });

        body["capacity"] = 3;
        body["ticketTypes"] = new object[] { new { id = e.TicketTypeId, name = "一般", priceYen = 0 } };
        await Expect.StatusAsync(await organizer.Client.PutAsJsonAsync($"/api/events/{e.Id}", body), 200);
        Assert.Equal(waiters.Take(2).Select(w => w.Id).ToHashSet(), (await OfferedAsync(e.Id)).ToHashSet());

        body["capacity"] = 2;
        await Expect.ProblemAsync(await organizer.Client.PutAsJsonAsync($"/api/events/{e.Id}", body), 409, "event.capacity_below_taken");
    }

    private Task<List<Guid>> OfferedAsync(Guid eventId) => api.DbAsync(db => db.WaitlistEntries
        .Where(w => w.EventId == eventId && w.Status == WaitlistStatus.Offered).OrderBy(w => w.JoinedAt).Select(w => w.MemberId).ToListAsync());
}

public sealed class SeatExpiryConcurrencyTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    [Fact]
    public async Task Two_instances_ending_the_same_holds_at_once_release_each_seat_once_and_offer_it_once()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 20, priceYen: 2000));
        var buyers = await api.MembersAsync(20);
        var holds = await Task.WhenAll(buyers.Select(b => b.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId })));
        Assert.All(holds, h => Assert.Equal(202, (int)h.StatusCode));
        var waiters = await api.MembersAsync(30);
        foreach (var w in waiters) await Expect.StatusAsync(await w.Client.PostAsJsonAsync($"/api/events/{e.Id}/waitlist", new { ticketTypeId = e.TicketTypeId }), 201);

        await using var second = api.SecondInstance();
        _ = second.Services; // start the second API process
        var at = DateTimeOffset.UtcNow.AddHours(1);
        // Each hold has a Checkout Session, so it ends when reconciliation hears from Stripe that the session expired
        // (it expires it first); the seat-expiry jobs running beside it must leave those holds alone.
        var scopes = second.Services.GetRequiredService<IServiceScopeFactory>();
        var runs = await Task.WhenAll(
            api.RunPaymentJobsAsync(at),
            Api.Features.Payments.PaymentJobs.RunOnceAsync(scopes, at, CancellationToken.None),
            api.RunPaymentJobsAsync(at));
        var expiries = await Task.WhenAll(api.RunSeatExpiryAsync(at), Api.Features.Registrations.SeatExpiryJob.RunOnceAsync(scopes, at, CancellationToken.None));

        Assert.Equal(20, runs.Sum(r => r.SessionsSettled));
        Assert.Equal(0, expiries.Sum());
        Assert.Equal(20, await api.DbAsync(db => db.Registrations.CountAsync(r => r.EventId == e.Id && r.Status == RegistrationStatus.Expired)));
        Assert.Equal(20, await api.DbAsync(db => db.NotificationRecords.CountAsync(n => n.EventId == e.Id && n.Type == "hold.expired")));
        Assert.Equal(20, await api.DbAsync(db => db.WaitlistEntries.CountAsync(w => w.EventId == e.Id && w.Status == WaitlistStatus.Offered)));
        Assert.Equal(20, await api.DbAsync(db => db.NotificationRecords.CountAsync(n => n.EventId == e.Id && n.Type == "waitlist.offer_made")));
        Assert.Equal(20, await api.SeatsTakenAsync(e.Id));
        // The first twenty in line got the offers.
        var lastInLine = waiters.Skip(20).Select(w => w.Id).ToList();
        Assert.Equal(0, await api.DbAsync(db => db.WaitlistEntries.CountAsync(w => w.EventId == e.Id && w.Status == WaitlistStatus.Offered && lastInLine.Contains(w.MemberId))));
    }
}
