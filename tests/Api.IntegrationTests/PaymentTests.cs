using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Infrastructure.Payments;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>The API with Stripe replaced at its HTTP boundary by <see cref="FakeStripe"/>.</summary>
public sealed class PaymentsFactory : EventsFactory
{
    public const string Secret = "whsec_test_assemble";
    public FakeStripe Stripe { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Stripe = await FakeStripe.StartAsync();
    }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Stripe:ApiKey"] = FakeStripe.ApiKey,
        ["Stripe:BaseUrl"] = Stripe.BaseUrl,
        ["Stripe:WebhookSecrets:0"] = "whsec_old_rotated_out",
        ["Stripe:WebhookSecrets:1"] = Secret,
        ["Stripe:InitialRetryDelay"] = "00:00:00.050",
        ["Stripe:Timeout"] = "00:00:01",
    };

    /// <summary>Posts a Stripe event for a checkout session to the webhook, signed as Stripe would (or with the given header).</summary>
    public async Task<HttpResponseMessage> DeliverAsync(string eventId, string type, string sessionId, string? registrationId, string paymentStatus = "paid", string? header = null, DateTimeOffset? signedAt = null)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = eventId, @object = "event", type, created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            data = new { @object = new { id = sessionId, @object = "checkout.session", client_reference_id = registrationId, payment_status = paymentStatus, status = "complete", payment_intent = "pi_" + sessionId[8..], amount_total = 3000, currency = "jpy" } },
        });
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/stripe/webhook") { Content = content };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", header ?? StripeSignature.Sign(body, Secret, signedAt ?? DateTimeOffset.UtcNow));
        return await CreateClient().SendAsync(request);
    }
}

public sealed class PaymentTests(PaymentsFactory api) : IClassFixture<PaymentsFactory>
{
    private async Task<(EventsFactory.CreatedEvent Event, TestMember Buyer, JsonElement Hold)> HoldAsync(int capacity = 40, int price = 3000)
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession(capacity: capacity, priceYen: price);
        body["title"] = "ライブスーパーヴィジョン予習会";
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var buyer = await api.MemberAsync();
        var hold = await Expect.JsonAsync(await buyer.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 202);
        return (e, buyer, hold);
    }

    private static string SessionOf(JsonElement hold) => hold.GetProperty("checkoutUrl").GetString()!.Split('/')[^1];

    [Fact]
    public async Task A_3000_yen_ticket_creates_exactly_this_checkout_session_and_payment_confirms_it()
    {
        var (e, buyer, hold) = await HoldAsync();
        var registrationId = hold.GetProperty("id").GetString()!;
        Assert.StartsWith("https://checkout.stripe.test/c/pay/cs_test_", hold.GetProperty("checkoutUrl").GetString());

        var create = api.Stripe.Requests.Single(r => r.Path == "/v1/checkout/sessions");
        Assert.Equal("POST", create.Method);
        Assert.Equal(StripeOptions.ApiVersion, create.StripeVersion);
        Assert.Equal($"checkout-{Guid.Parse(registrationId):N}", create.IdempotencyKey);
        Assert.StartsWith("application/x-www-form-urlencoded", create.ContentType);
        var expiresAt = long.Parse(create.Body.Split('&').Single(p => p.StartsWith("expires_at=")).Split('=')[1]);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 30 * 60, 32 * 60);
        var expected = string.Join('&',
            "mode=payment",
            "line_items[0][price_data][currency]=jpy",
            "line_items[0][price_data][unit_amount]=3000",
            "line_items[0][price_data][product_data][name]=" + Uri.EscapeDataString("ライブスーパーヴィジョン予習会（一般）"),
            "line_items[0][quantity]=1",
            "success_url=" + Uri.EscapeDataString("http://localhost/checkout/success?session_id={CHECKOUT_SESSION_ID}"),
            "cancel_url=" + Uri.EscapeDataString($"http://localhost/checkout/cancel?registration={registrationId}"),
            $"client_reference_id={registrationId}",
            $"metadata[registration_id]={registrationId}",
            $"payment_intent_data[metadata][registration_id]={registrationId}",
            "customer_email=" + Uri.EscapeDataString(buyer.Email),
            "locale=ja",
            $"expires_at={expiresAt}");
        Assert.Equal(expected, create.Body);
        // The hold lasts at least as long as the session.
        Assert.True(hold.GetProperty("holdExpiresAt").GetDateTimeOffset().ToUnixTimeSeconds() >= expiresAt);

        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(hold), registrationId), 200);
        var paid = await Expect.JsonAsync(await buyer.Client.GetAsync($"/api/registrations/{registrationId}"));
        Assert.Equal("confirmed", paid.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(paid.GetProperty("checkInCode").GetString()));
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM payments WHERE registration_id = '{registrationId}' AND status = 'Paid'"));
    }

    [Fact]
    public async Task The_same_event_delivered_five_times_at_once_confirms_once()
    {
        var (_, _, hold) = await HoldAsync();
        var id = hold.GetProperty("id").GetString()!;
        var eventId = "evt_" + Guid.NewGuid().ToString("N");
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => api.DeliverAsync(eventId, "checkout.session.completed", SessionOf(hold), id)));
        Assert.All(responses, r => Assert.Equal(200, (int)r.StatusCode));
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM domain_events WHERE subject_id = '{id}' AND type = 'registration.confirmed'"));
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM processed_stripe_events WHERE id = '{eventId}'"));
    }

    [Fact]
    public async Task An_expired_event_after_completion_changes_nothing()
    {
        var (e, _, hold) = await HoldAsync();
        var id = hold.GetProperty("id").GetString()!;
        await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(hold), id);
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.expired", SessionOf(hold), id, "unpaid"), 200);
        Assert.Equal("Confirmed", await api.ScalarAsync($"SELECT status FROM registrations WHERE id = '{id}'"));
        Assert.Equal(1, await api.CountAsync($"SELECT seats_taken FROM events WHERE id = '{e.Id}'"));
    }

    [Fact]
    public async Task An_expired_session_releases_the_hold()
    {
        var (e, _, hold) = await HoldAsync();
        var id = hold.GetProperty("id").GetString()!;
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.expired", SessionOf(hold), id, "unpaid"), 200);
        Assert.Equal("Expired", await api.ScalarAsync($"SELECT status FROM registrations WHERE id = '{id}'"));
        Assert.Equal(0, await api.CountAsync($"SELECT seats_taken FROM events WHERE id = '{e.Id}'"));
    }

    [Fact]
    public async Task A_late_payment_gets_a_free_seat_or_is_refunded_when_none_is_left()
    {
        // With a seat free: the registration comes back confirmed.
        var (e, _, hold) = await HoldAsync(capacity: 1);
        var id = hold.GetProperty("id").GetString()!;
        await api.RunSeatExpiryAsync(hold.GetProperty("holdExpiresAt").GetDateTimeOffset().AddSeconds(1));
        Assert.Equal("Expired", await api.ScalarAsync($"SELECT status FROM registrations WHERE id = '{id}'"));
        await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(hold), id);
        Assert.Equal("Confirmed", await api.ScalarAsync($"SELECT status FROM registrations WHERE id = '{id}'"));
        Assert.Equal(1, await api.CountAsync($"SELECT seats_taken FROM events WHERE id = '{e.Id}'"));

        // Without one: never beyond capacity; the payment is marked for refund and everyone is told.
        var (full, _, late) = await HoldAsync(capacity: 1);
        var lateId = late.GetProperty("id").GetString()!;
        await api.RunSeatExpiryAsync(late.GetProperty("holdExpiresAt").GetDateTimeOffset().AddSeconds(1));
        var other = await api.MemberAsync();
        await Expect.StatusAsync(await other.Client.PostAsJsonAsync($"/api/events/{full.Id}/registrations", new { ticketTypeId = full.TicketTypeId }), 202);
        await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(late), lateId);
        Assert.Equal("Expired", await api.ScalarAsync($"SELECT status FROM registrations WHERE id = '{lateId}'"));
        Assert.Equal(1, await api.CountAsync($"SELECT seats_taken FROM events WHERE id = '{full.Id}'"));
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM payments WHERE registration_id = '{lateId}' AND refund_due AND status = 'Paid'"));
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM domain_events WHERE subject_id = '{lateId}' AND type = 'refund.requested'"));
    }

    [Fact]
    public async Task Bad_signatures_are_400_and_change_nothing()
    {
        var (_, _, hold) = await HoldAsync();
        var id = hold.GetProperty("id").GetString()!;
        var session = SessionOf(hold);
        var body = Encoding.UTF8.GetBytes("{\"id\":\"evt_x\"}");
        var now = DateTimeOffset.UtcNow;
        var cases = new[]
        {
            StripeSignature.Sign(body, "whsec_wrong", now),                                  // wrong secret (and a different body)
            $"t={now.ToUnixTimeSeconds()},v0=" + new string('a', 64),                       // a fake v0 alone
            "garbage",
            "",                                                                              // missing
        };
        var tag = "evt_bad_" + Guid.NewGuid().ToString("N")[..8];
        foreach (var (header, i) in cases.Select((h, i) => (h, i)))
            await Expect.ProblemAsync(await api.DeliverAsync($"{tag}_{i}", "checkout.session.completed", session, id, header: header), 400, "webhook.bad_signature");
        // Stale: signed six minutes ago.
        await Expect.ProblemAsync(await api.DeliverAsync($"{tag}_stale", "checkout.session.completed", session, id, signedAt: now.AddMinutes(-6)), 400, "webhook.bad_signature");
        Assert.Equal("PendingPayment", await api.ScalarAsync($"SELECT status FROM registrations WHERE id = '{id}'"));
        Assert.Equal(0, await api.CountAsync($"SELECT count(*) FROM processed_stripe_events WHERE id LIKE '{tag}%'"));
        // A tampered body under a valid signature of another body.
        Assert.Equal(400, (int)(await api.DeliverAsync($"{tag}_tampered", "checkout.session.completed", session, id, header: StripeSignature.Sign(body, PaymentsFactory.Secret, now))).StatusCode);
    }

    [Fact]
    public async Task Stripe_answering_500_then_200_is_retried_with_the_same_key_and_400_is_not_retried()
    {
        api.Stripe.Failures.Enqueue(500);
        var (_, _, hold) = await HoldAsync();
        var attempts = api.Stripe.Requests.Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(hold.GetProperty("id").GetString()!)).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(attempts[0].IdempotencyKey, attempts[1].IdempotencyKey);
        Assert.NotNull(hold.GetProperty("checkoutUrl").GetString());

        api.Stripe.Failures.Enqueue(400);
        var (_, buyer, noCheckout) = await HoldAsync();
        var id = noCheckout.GetProperty("id").GetString()!;
        Assert.Single(api.Stripe.Requests, r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id));
        Assert.False(noCheckout.TryGetProperty("checkoutUrl", out _));
        // The seat stays held; asking again creates the session with the same key.
        var retried = await Expect.JsonAsync(await buyer.Client.PostAsync($"/api/registrations/{id}/checkout", null));
        Assert.NotNull(retried.GetProperty("checkoutUrl").GetString());
        var stranger = await api.MemberAsync();
        await Expect.ProblemAsync(await stranger.Client.PostAsync($"/api/registrations/{id}/checkout", null), 404, "registration.not_found");
    }
}

public sealed class SimulatedCheckoutFactory : EventsFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Stripe:WebhookSecrets:0"] = "whsec_simulated_for_tests" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // The simulated page posts its webhook to the API over HTTP; here the API is the in-memory test server.
        builder.ConfigureTestServices(services => services.AddHttpClient(Api.Features.Payments.PaymentsEndpoints.SelfClient)
            .ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler()));
    }
}

public sealed class SimulatedCheckoutTests(SimulatedCheckoutFactory api) : IClassFixture<SimulatedCheckoutFactory>
{
    [Fact]
    public async Task Register_open_the_checkout_page_pay_and_the_registration_is_confirmed()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(priceYen: 2500));
        var buyer = await api.MemberAsync();
        var hold = await Expect.JsonAsync(await buyer.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 202);
        var checkout = hold.GetProperty("checkoutUrl").GetString()!;
        Assert.StartsWith("/dev/checkout/cs_sim_", checkout);

        var page = await api.CreateClient().GetAsync(checkout);
        await Expect.StatusAsync(page, 200);
        Assert.Contains("¥2,500", await page.Content.ReadAsStringAsync());
        var paid = await api.CreateClient().PostAsync(checkout + "/pay", null);
        await Expect.StatusAsync(paid, 200);

        var registration = await Expect.JsonAsync(await buyer.Client.GetAsync($"/api/registrations/{hold.GetProperty("id").GetString()}"));
        Assert.Equal("confirmed", registration.GetProperty("status").GetString());
        Assert.Equal(1, await api.CountAsync("SELECT count(*) FROM processed_stripe_events"));
    }
}
