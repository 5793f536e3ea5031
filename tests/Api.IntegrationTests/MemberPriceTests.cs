using System.Net.Http.Json;
using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Api.Features.Registrations;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Events;
using Assemble.Domain.Memberships;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>
/// The member price goes to a member whose membership is active on the day of registration (in Japan), and to nobody
/// else; the amount recorded with the registration is the amount charged, whatever happens to the membership after.
/// </summary>
public sealed class MemberPriceTests(PaymentsFactory api) : IClassFixture<PaymentsFactory>
{
    private const int Price = 5_000, MemberPrice = 3_300;

    private static DateOnly Today => MembershipPayment.DayInJapan(DateTimeOffset.UtcNow);

    private async Task<EventsFactory.CreatedEvent> SeminarAsync(TestMember? organizer = null)
    {
        var body = EventsFactory.StudySession(capacity: 40);
        body["ticketTypes"] = new object[] { new Dictionary<string, object?> { ["name"] = "一般", ["priceYen"] = Price, ["memberPriceYen"] = MemberPrice } };
        return await EventsFactory.CreateEventAsync(organizer ?? await api.OrganizerAsync(), body);
    }

    private async Task<string> PlanAsync(TestMember admin)
    {
        var code = "plan-" + Guid.NewGuid().ToString("N")[..8];
        await admin.Client.PutAsync<Api.Features.Memberships.MembershipPlans.MembershipPlanView>($"/api/admin/membership/plans/{code}",
            new { name = "正会員", priceYen = 10_000, professions = Array.Empty<string>(), validity = "twelveMonths", tax = "outOfScope", offered = true }, 201);
        return code;
    }

    private static async Task PaidAsync(TestMember admin, string plan, TestMember member, DateOnly paidOn)
        => await Expect.StatusAsync(await admin.Client.PostAsJsonAsync($"/api/admin/members/{member.Id}/membership/payments",
            new { planCode = plan, paidOn, amountYen = 10_000, reference = "ﾃｽﾄ" }), 201);

    private static Task<RegistrationView> HoldAsync(TestMember member, EventsFactory.CreatedEvent e)
        => member.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, 202);

    private string UnitAmountSentToStripe(Guid registrationId)
        => FakeStripe.Form(api.Stripe.Requests.Single(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(registrationId.ToString())).Body)
            ["line_items[0][price_data][unit_amount]"];

    [Fact]
    public async Task Only_an_active_membership_gets_the_member_price_and_Stripe_is_asked_for_the_amount_recorded()
    {
        var admin = await api.AdminAsync();
        var plan = await PlanAsync(admin);
        var e = await SeminarAsync();
        var (active, grace, lapsed, never) = (await api.MemberAsync(), await api.MemberAsync(), await api.MemberAsync(), await api.MemberAsync());
        await PaidAsync(admin, plan, active, Today);
        await PaidAsync(admin, plan, grace, Today.AddMonths(-12).AddDays(-5)); // ended five days ago: in grace
        await PaidAsync(admin, plan, lapsed, Today.AddMonths(-14));
        Assert.Equal(MembershipStatus.Grace, (await grace.Client.GetAsync<Api.Features.Memberships.MembershipDues.MyMembershipView>("/api/me/membership")).Status);
        Assert.Equal(MembershipStatus.Lapsed, (await lapsed.Client.GetAsync<Api.Features.Memberships.MembershipDues.MyMembershipView>("/api/me/membership")).Status);

        var holds = new Dictionary<string, RegistrationView>
        {
            ["active"] = await HoldAsync(active, e), ["grace"] = await HoldAsync(grace, e), ["lapsed"] = await HoldAsync(lapsed, e), ["never"] = await HoldAsync(never, e),
        };

        Assert.Equal(
            new Dictionary<string, int> { ["active"] = MemberPrice, ["grace"] = Price, ["lapsed"] = Price, ["never"] = Price },
            holds.ToDictionary(h => h.Key, h => h.Value.AmountYen));
        foreach (var (_, hold) in holds) Assert.Equal(hold.AmountYen.ToString(), UnitAmountSentToStripe(hold.Id));
    }

    [Fact]
    public async Task A_membership_paid_after_the_hold_leaves_the_amount_held_and_counts_from_the_next_registration()
    {
        var admin = await api.AdminAsync();
        var plan = await PlanAsync(admin);
        var organizer = await api.OrganizerAsync();
        var (first, second) = (await SeminarAsync(organizer), await SeminarAsync(organizer));
        var member = await api.MemberAsync();
        var hold = await HoldAsync(member, first); // read and kept by this process as a non-member
        Assert.Equal(Price, hold.AmountYen);

        await PaidAsync(admin, plan, member, Today);
        var session = hold.CheckoutUrl!.Split('/')[^1];
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", session, hold.Id), 200);

        var paid = await api.DbAsync(db => db.Registrations.AsNoTracking().SingleAsync(r => r.Id == hold.Id));
        Assert.Equal((RegistrationStatus.Confirmed, Price), (paid.Status, paid.AmountYen));
        Assert.Equal(Price, await api.DbAsync(db => db.Payments.Where(p => p.RegistrationId == hold.Id).Select(p => p.AmountYen).SingleAsync()));

        // The payment changed what this process keeps of the member: the very next registration sees the membership.
        Assert.Equal(MemberPrice, (await HoldAsync(member, second)).AmountYen);
    }

    [Fact]
    public async Task A_membership_recorded_through_the_other_process_or_removed_in_SQL_decides_the_next_price()
    {
        var admin = await api.AdminAsync();
        var plan = await PlanAsync(admin);
        var organizer = await api.OrganizerAsync();
        var events = new[] { await SeminarAsync(organizer), await SeminarAsync(organizer), await SeminarAsync(organizer) };
        var member = await api.MemberAsync();
        Assert.Equal(Price, (await HoldAsync(member, events[0])).AmountYen);

        await using var second = api.SecondInstance();
        var record = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/members/{member.Id}/membership/payments")
        {
            Content = JsonContent.Create(new { planCode = plan, paidOn = Today, amountYen = 10_000, reference = "ﾃｽﾄ" }),
        };
        record.Headers.Authorization = admin.Client.DefaultRequestHeaders.Authorization;
        await Expect.StatusAsync(await second.CreateClient().SendAsync(record), 201);
        Assert.Equal(MemberPrice, (await HoldAsync(member, events[1])).AmountYen);

        await api.ScalarAsync($"DELETE FROM membership_payments WHERE member_id = '{member.Id}'");
        Assert.Equal(Price, (await HoldAsync(member, events[2])).AmountYen);
    }

    [Fact]
    public async Task A_members_only_event_or_ticket_admits_active_members_and_says_why_to_others()
    {
        var admin = await api.AdminAsync();
        var plan = await PlanAsync(admin);
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession();
        body["membersOnly"] = true;
        var closed = await EventsFactory.CreateEventAsync(organizer, body);
        Assert.True(closed.View.MembersOnly);
        var mixed = EventsFactory.StudySession();
        mixed["ticketTypes"] = new object[]
        {
            new Dictionary<string, object?> { ["name"] = "会員限定 懇親会付き", ["priceYen"] = 0, ["membersOnly"] = true },
            new Dictionary<string, object?> { ["name"] = "一般", ["priceYen"] = 0 },
        };
        var open = await EventsFactory.CreateEventAsync(organizer, mixed);
        var membersTicket = open.View.TicketTypes.Single(t => t.MembersOnly).Id;
        var everyonesTicket = open.View.TicketTypes.Single(t => !t.MembersOnly).Id;

        var (member, lapsed) = (await api.MemberAsync(), await api.MemberAsync());
        await PaidAsync(admin, plan, member, Today);
        await PaidAsync(admin, plan, lapsed, Today.AddMonths(-14));

        await Expect.ProblemAsync(await lapsed.Client.PostAsJsonAsync($"/api/events/{closed.Id}/registrations", new { ticketTypeId = closed.TicketTypeId }), 422, "registration.members_only");
        await Expect.ProblemAsync(await lapsed.Client.PostAsJsonAsync($"/api/events/{open.Id}/registrations", new { ticketTypeId = membersTicket }), 422, "registration.members_only");
        await Expect.StatusAsync(await lapsed.Client.PostAsJsonAsync($"/api/events/{open.Id}/registrations", new { ticketTypeId = everyonesTicket }), 201);
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync($"/api/events/{closed.Id}/registrations", new { ticketTypeId = closed.TicketTypeId }), 201);
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync($"/api/events/{open.Id}/registrations", new { ticketTypeId = membersTicket }), 201);
        Assert.Equal(1, await api.SeatsTakenAsync(closed.Id));
    }

    [Fact]
    public async Task The_listing_shows_both_prices()
    {
        var tag = "mp" + Guid.NewGuid().ToString("N")[..10];
        var body = EventsFactory.StudySession();
        body["title"] = $"会員価格のある勉強会 {tag}";
        body["ticketTypes"] = new object[]
        {
            new Dictionary<string, object?> { ["name"] = "一般", ["priceYen"] = Price, ["memberPriceYen"] = MemberPrice },
            new Dictionary<string, object?> { ["name"] = "学生", ["priceYen"] = 4_000 },
            new Dictionary<string, object?> { ["name"] = "会員限定 招待枠", ["priceYen"] = 0, ["membersOnly"] = true },
        };
        await EventsFactory.CreateEventAsync(await api.OrganizerAsync(), body);

        // The free ticket is members-only: not free for everyone, and not what a non-member pays.
        var summary = Assert.Single((await api.CreateClient().GetAsync<Page<EventSummary>>($"/api/events?q={tag}")).Items);
        Assert.Equal((4_000, 0, false, false), (summary.LowestPriceYen, summary.LowestMemberPriceYen, summary.Free, summary.MembersOnly));
        Assert.Empty((await api.CreateClient().GetAsync<Page<EventSummary>>($"/api/events?q={tag}&free=true")).Items);
    }
}
