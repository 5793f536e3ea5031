using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Assemble.Api.Features.Payments;
using Assemble.Api.Features.Registrations;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using EventUtility = Stripe.EventUtility;
using StripeConfiguration = Stripe.StripeConfiguration;

namespace Assemble.Api.IntegrationTests;

/// <summary>The API with Stripe replaced at its HTTP boundary by <see cref="FakeStripe"/>.</summary>
public class PaymentsFactory : EventsFactory
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
        ["Stripe:Timeout"] = "00:00:01",
        ["Payments:CancellationFeeYen"] = "500",
    };

    /// <summary>The Stripe-Signature header Stripe would send for this body (Stripe.net's signer).</summary>
    public static string Sign(string body, string secret = Secret, DateTimeOffset? at = null)
        => EventUtility.GenerateSignatureHeader(body, secret, (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds());

    /// <summary>Posts a Stripe event for a checkout session to the webhook, signed as Stripe would (or with the given header).</summary>
    /// <remarks>The amount is the registration's own unless given (as Stripe would report it), in yen.</remarks>
    public async Task<HttpResponseMessage> DeliverAsync(string eventId, string type, string sessionId, string? registrationId, string paymentStatus = "paid",
        string? header = null, DateTimeOffset? signedAt = null, string? apiVersion = null, long? amount = null, string currency = "jpy", DateTimeOffset? created = null,
        HttpClient? via = null)
    {
        amount ??= !Guid.TryParse(registrationId, out var id) ? 3000
            : await DbAsync(db => db.Registrations.Where(r => r.Id == id).Select(r => (int?)r.AmountYen).SingleOrDefaultAsync()) ?? 3000;
        var body = JsonSerializer.Serialize(new
        {
            id = eventId, @object = "event", type, api_version = apiVersion ?? StripeConfiguration.ApiVersion, created = (created ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
            data = new { @object = new { id = sessionId, @object = "checkout.session", client_reference_id = registrationId, payment_status = paymentStatus,
                status = type == "checkout.session.expired" ? "expired" : "complete", payment_intent = "pi_" + sessionId[8..], amount_total = amount, currency } },
        });
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/stripe/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", header ?? Sign(body, at: signedAt));
        return await (via ?? CreateClient()).SendAsync(request);
    }

    public Task<HttpResponseMessage> DeliverAsync(string eventId, string type, string sessionId, Guid registrationId, string paymentStatus = "paid",
        string? header = null, DateTimeOffset? signedAt = null, string? apiVersion = null, long? amount = null, string currency = "jpy", DateTimeOffset? created = null)
        => DeliverAsync(eventId, type, sessionId, registrationId.ToString(), paymentStatus, header, signedAt, apiVersion, amount, currency, created);

    /// <summary>Posts any Stripe event (signed) with the given data.object.</summary>
    public async Task<HttpResponseMessage> DeliverRawAsync(string type, object dataObject, string? eventId = null)
    {
        var body = JsonSerializer.Serialize(new { id = eventId ?? "evt_" + Guid.NewGuid().ToString("N"), @object = "event", type, api_version = StripeConfiguration.ApiVersion, data = new { @object = dataObject } });
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/stripe/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", Sign(body));
        return await CreateClient().SendAsync(request);
    }
}

public sealed class PaymentTests(PaymentsFactory api) : IClassFixture<PaymentsFactory>
{
    private async Task<(EventsFactory.CreatedEvent Event, TestMember Buyer, RegistrationView Hold)> HoldAsync(int capacity = 40, int price = 3000)
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession(capacity: capacity, priceYen: price);
        body["title"] = "ライブスーパーヴィジョン予習会";
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var buyer = await api.MemberAsync();
        var hold = await buyer.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, 202);
        return (e, buyer, hold);
    }

    private static string SessionOf(RegistrationView hold) => hold.CheckoutUrl!.Split('/')[^1];

    [Fact]
    public async Task A_3000_yen_ticket_creates_exactly_this_checkout_session_and_payment_confirms_it()
    {
        var (e, buyer, hold) = await HoldAsync();
        var registrationId = hold.Id;
        Assert.StartsWith("https://checkout.stripe.test/c/pay/cs_test_", hold.CheckoutUrl);

        var create = api.Stripe.Requests.Single(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(registrationId.ToString()));
        Assert.Equal("POST", create.Method);
        Assert.Equal(StripeConfiguration.ApiVersion, create.StripeVersion);
        Assert.Equal($"checkout-{registrationId:N}", create.IdempotencyKey);
        Assert.StartsWith("application/x-www-form-urlencoded", create.ContentType);
        var form = FakeStripe.Form(create.Body);
        var expiresAt = long.Parse(form["expires_at"]);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 30 * 60, 32 * 60);
        // Exactly these parameters (Stripe.net chooses their order).
        var expected = new Dictionary<string, string>
        {
            ["mode"] = "payment",
            ["line_items[0][price_data][currency]"] = "jpy",
            ["line_items[0][price_data][unit_amount]"] = "3000",
            ["line_items[0][price_data][product_data][name]"] = "ライブスーパーヴィジョン予習会（一般）",
            ["line_items[0][quantity]"] = "1",
            ["success_url"] = $"{ApiFactory.PublicBaseUrl}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}",
            ["cancel_url"] = $"{ApiFactory.PublicBaseUrl}/checkout/cancel?registration={registrationId}",
            ["client_reference_id"] = registrationId.ToString(),
            ["metadata[registration_id]"] = registrationId.ToString(),
            ["payment_intent_data[metadata][registration_id]"] = registrationId.ToString(),
            ["customer_email"] = buyer.Email,
            ["locale"] = "ja",
            ["expires_at"] = expiresAt.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        Assert.Equal(expected.OrderBy(p => p.Key), form.OrderBy(p => p.Key));
        // The hold lasts at least as long as the session.
        Assert.True(hold.HoldExpiresAt!.Value.ToUnixTimeSeconds() >= expiresAt);

        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(hold), registrationId), 200);
        var paid = await buyer.Client.GetAsync<RegistrationView>($"/api/registrations/{registrationId}");
        Assert.Equal(RegistrationStatus.Confirmed, paid.Status);
        Assert.False(string.IsNullOrEmpty(paid.CheckInCode));
        Assert.Equal(1, await api.DbAsync(db => db.Payments.CountAsync(p => p.RegistrationId == registrationId && p.Status == PaymentStatus.Paid)));
    }

    [Fact]
    public async Task The_same_event_delivered_five_times_at_once_confirms_once()
    {
        var (_, _, hold) = await HoldAsync();
        var id = hold.Id;
        var eventId = "evt_" + Guid.NewGuid().ToString("N");
        // Two API processes on one database receive the same delivery.
        await using var second = api.SecondInstance();
        var secondClient = second.CreateClient();
        var body = JsonSerializer.Serialize(new
        {
            id = eventId, @object = "event", type = "checkout.session.completed", api_version = StripeConfiguration.ApiVersion,
            data = new { @object = new { id = SessionOf(hold), @object = "checkout.session", client_reference_id = id, payment_status = "paid", status = "complete", payment_intent = "pi_dup", amount_total = 3000, currency = "jpy" } },
        });
        async Task<HttpResponseMessage> ViaSecond()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/stripe/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Stripe-Signature", PaymentsFactory.Sign(body));
            return await secondClient.SendAsync(request);
        }
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => i % 2 == 0 ? api.DeliverAsync(eventId, "checkout.session.completed", SessionOf(hold), id) : ViaSecond()));
        Assert.All(responses, r => Assert.Equal(200, (int)r.StatusCode));
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM notification_records WHERE subject_id = '{id}' AND type = 'registration.confirmed'"));
        Assert.Equal(1, await api.DbAsync(db => db.ProcessedStripeEvents.CountAsync(p => p.Id == eventId)));
    }

    [Fact]
    public async Task An_expired_event_after_completion_changes_nothing()
    {
        var (e, _, hold) = await HoldAsync();
        var id = hold.Id;
        await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(hold), id);
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.expired", SessionOf(hold), id, "unpaid"), 200);
        Assert.Equal(RegistrationStatus.Confirmed, await api.RegistrationStatusAsync(id));
        Assert.Equal(1, await api.SeatsTakenAsync(e.Id));
    }

    [Fact]
    public async Task A_refund_event_arriving_before_anything_it_refers_to_is_accepted_and_changes_nothing()
    {
        var (_, _, hold) = await HoldAsync();
        var id = hold.Id;
        await Expect.StatusAsync(await api.DeliverRawAsync("refund.updated", new { id = "re_unknown_" + Guid.NewGuid().ToString("N"), @object = "refund", status = "succeeded" }), 200);
        await Expect.StatusAsync(await api.DeliverRawAsync("charge.refunded", new { id = "ch_x", @object = "charge", payment_intent = "pi_not_ours", amount_refunded = 3000 }), 200);
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(hold), id), 200);
        Assert.Equal(RegistrationStatus.Confirmed, await api.RegistrationStatusAsync(id));
        Assert.Equal(0, (await api.PaymentOfAsync(id)).RefundedYen);
    }

    [Fact]
    public async Task A_delayed_payment_waits_then_confirms_or_releases_the_seat()
    {
        var (e, _, hold) = await HoldAsync();
        var id = hold.Id;
        await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(hold), id, "unpaid");
        Assert.Equal(RegistrationStatus.PendingPayment, await api.RegistrationStatusAsync(id));
        Assert.Equal(PaymentStatus.AwaitingAsyncPayment, (await api.PaymentOfAsync(id)).Status);
        await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.async_payment_succeeded", SessionOf(hold), id);
        Assert.Equal(RegistrationStatus.Confirmed, await api.RegistrationStatusAsync(id));

        var (failedEvent, _, other) = await HoldAsync();
        var otherId = other.Id;
        await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(other), otherId, "unpaid");
        await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.async_payment_failed", SessionOf(other), otherId, "unpaid");
        Assert.Equal(RegistrationStatus.Expired, await api.RegistrationStatusAsync(otherId));
        Assert.Equal(0, await api.SeatsTakenAsync(failedEvent.Id));
        Assert.Equal(1, await api.SeatsTakenAsync(e.Id));
    }

    [Fact]
    public async Task An_expired_session_releases_the_hold()
    {
        var (e, _, hold) = await HoldAsync();
        var id = hold.Id;
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.expired", SessionOf(hold), id, "unpaid"), 200);
        Assert.Equal(RegistrationStatus.Expired, await api.RegistrationStatusAsync(id));
        Assert.Equal(0, await api.SeatsTakenAsync(e.Id));
    }

    [Fact]
    public async Task A_late_payment_gets_a_free_seat_or_is_refunded_when_none_is_left()
    {
        // With a seat free: the registration comes back confirmed.
        var (e, _, hold) = await HoldAsync(capacity: 1);
        var id = hold.Id;
        // The hold ends when Stripe says its session expired (reconciliation expires it at Stripe), not before.
        await api.RunPaymentJobsAsync(hold.HoldExpiresAt!.Value.AddSeconds(1));
        Assert.Equal(RegistrationStatus.Expired, await api.RegistrationStatusAsync(id));
        await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(hold), id);
        Assert.Equal(RegistrationStatus.Confirmed, await api.RegistrationStatusAsync(id));
        Assert.Equal(1, await api.SeatsTakenAsync(e.Id));

        // Without one: never beyond capacity; the payment is marked for refund and everyone is told.
        var (full, _, late) = await HoldAsync(capacity: 1);
        var lateId = late.Id;
        await api.RunPaymentJobsAsync(late.HoldExpiresAt!.Value.AddSeconds(1));
        var other = await api.MemberAsync();
        await Expect.StatusAsync(await other.Client.PostAsJsonAsync($"/api/events/{full.Id}/registrations", new { ticketTypeId = full.TicketTypeId }), 202);
        await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(late), lateId);
        Assert.Equal(RegistrationStatus.Expired, await api.RegistrationStatusAsync(lateId));
        Assert.Equal(1, await api.SeatsTakenAsync(full.Id));
        Assert.Equal(1, await api.DbAsync(db => db.Payments.CountAsync(p => p.RegistrationId == lateId && p.RefundDue && p.Status == PaymentStatus.Paid)));
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM notification_records WHERE subject_id = '{lateId}' AND type = 'refund.requested'"));
    }

    [Fact]
    public async Task Bad_signatures_are_400_and_change_nothing()
    {
        var (_, _, hold) = await HoldAsync();
        var id = hold.Id;
        var session = SessionOf(hold);
        const string body = "{\"id\":\"evt_x\"}";
        var now = DateTimeOffset.UtcNow;
        var cases = new[]
        {
            PaymentsFactory.Sign(body, "whsec_wrong", now),                                  // wrong secret (and a different body)
            $"t={now.ToUnixTimeSeconds()},v0=" + new string('a', 64),                       // a fake v0 alone
            "garbage",
            "",                                                                              // missing
        };
        var tag = "evt_bad_" + Guid.NewGuid().ToString("N")[..8];
        foreach (var (header, i) in cases.Select((h, i) => (h, i)))
            await Expect.ProblemAsync(await api.DeliverAsync($"{tag}_{i}", "checkout.session.completed", session, id, header: header), 400, "webhook.bad_signature");
        // Stale: signed six minutes ago.
        await Expect.ProblemAsync(await api.DeliverAsync($"{tag}_stale", "checkout.session.completed", session, id, signedAt: now.AddMinutes(-6)), 400, "webhook.bad_signature");
        Assert.Equal(RegistrationStatus.PendingPayment, await api.RegistrationStatusAsync(id));
        Assert.Equal(0, await api.DbAsync(db => db.ProcessedStripeEvents.CountAsync(p => p.Id.StartsWith(tag))));
        // A tampered body under a valid signature of another body.
        Assert.Equal(400, (int)(await api.DeliverAsync($"{tag}_tampered", "checkout.session.completed", session, id, header: PaymentsFactory.Sign(body, at: now))).StatusCode);
    }

    [Fact]
    public async Task Stripe_answering_500_then_200_is_retried_with_the_same_key_and_400_gets_a_new_key_at_once()
    {
        api.Stripe.Failures.Enqueue(500);
        var (_, _, hold) = await HoldAsync();
        var attempts = api.Stripe.Requests.Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(hold.Id.ToString())).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(attempts[0].IdempotencyKey, attempts[1].IdempotencyKey);
        Assert.NotNull(hold.CheckoutUrl);

        // A refused request creates nothing, and the same request would be refused again: a new key and fresh terms, at once.
        api.Stripe.Failures.Enqueue(400);
        var (_, buyer, retried) = await HoldAsync();
        var id = retried.Id;
        var tries = api.Stripe.Requests.Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id.ToString())).ToList();
        Assert.Equal([$"checkout-{id:N}", $"checkout-{id:N}-2"], tries.Select(t => t.IdempotencyKey));
        Assert.NotNull(retried.CheckoutUrl);
        Assert.Equal(retried.CheckoutUrl, (await buyer.Client.PostAsync<RegistrationView>($"/api/registrations/{id}/checkout", null)).CheckoutUrl);
        var stranger = await api.MemberAsync();
        await Expect.ProblemAsync(await stranger.Client.PostAsync($"/api/registrations/{id}/checkout", null), 404, "registration.not_found");
    }

    [Fact]
    public async Task Every_post_to_stripe_carries_the_idempotency_key_stored_before_it()
    {
        var (_, _, hold) = await HoldAsync();
        var id = hold.Id;
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(hold), id), 200);
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(priceYen: 2000));
        var buyer = await api.MemberAsync();
        var paid = await buyer.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, 202);
        var paidId = paid.Id;
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(paid), paidId), 200);
        await Expect.StatusAsync(await organizer.Client.PostAsJsonAsync($"/api/registrations/{paidId}/refunds", new { amountYen = 500 }), 201);
        await api.RunPaymentJobsAsync();

        // Stripe.net would invent a random key for a POST without one: the point is that each is ours.
        var refundKey = await api.DbAsync(db => db.Refunds.Where(r => r.RegistrationId == paidId).Select(r => r.IdempotencyKey).SingleAsync());
        Assert.Equal($"checkout-{id:N}", api.Stripe.Requests.Single(r => r.Method == "POST" && r.Body.Contains(id.ToString())).IdempotencyKey);
        Assert.Equal($"checkout-{paidId:N}", api.Stripe.Requests.Single(r => r.Method == "POST" && r.Body.Contains(paidId.ToString())).IdempotencyKey);
        var refund = api.Stripe.Requests.Single(r => r.Path == "/v1/refunds" && r.IdempotencyKey == refundKey);
        Assert.Equal("500", FakeStripe.Form(refund.Body)["amount"]);
        Assert.Equal("pi_" + SessionOf(paid)[8..], FakeStripe.Form(refund.Body)["payment_intent"]);
        // Every POST of the whole class carries one of our keys, never one Stripe.net made up.
        Assert.All(api.Stripe.Requests.Where(r => r.Method == "POST"), r => Assert.Matches("^(checkout|refund)-[0-9a-f]{32}", r.IdempotencyKey ?? ""));
        Assert.All(api.Stripe.Requests, r => Assert.Equal(StripeConfiguration.ApiVersion, r.StripeVersion));
    }

    [Fact]
    public async Task Stripe_calls_go_to_the_configured_api_base()
    {
        var client = Assert.IsType<Stripe.StripeClient>(api.Services.GetRequiredService<Stripe.IStripeClient>());
        Assert.Equal(api.Stripe.BaseUrl, client.ApiBase);
        var (_, _, hold) = await HoldAsync();
        Assert.Contains(api.Stripe.Requests, r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(hold.Id.ToString()));
    }

    [Fact]
    public async Task An_event_of_another_api_release_train_is_refused_unrecorded_and_one_of_ours_is_handled()
    {
        var (e, _, hold) = await HoldAsync();
        var id = hold.Id;
        var eventId = "evt_" + Guid.NewGuid().ToString("N");
        // An endpoint left on an older (or newer) major version: its objects may not have the shape Stripe.net reads.
        await Expect.ProblemAsync(await api.DeliverAsync(eventId, "checkout.session.completed", SessionOf(hold), id, apiVersion: "2025-03-31.basil"), 422, "webhook.api_version_mismatch");
        await Expect.ProblemAsync(await api.DeliverAsync(eventId, "checkout.session.completed", SessionOf(hold), id, apiVersion: "2017-06-05"), 422, "webhook.api_version_mismatch");
        Assert.Equal(RegistrationStatus.PendingPayment, await api.RegistrationStatusAsync(id));
        Assert.Equal(0, await api.DbAsync(db => db.ProcessedStripeEvents.CountAsync(p => p.Id == eventId)));

        // A later monthly version of our release train (no breaking changes) is read like ours.
        var train = StripeConfiguration.ApiVersion.Split('.')[1];
        await Expect.StatusAsync(await api.DeliverAsync(eventId, "checkout.session.completed", SessionOf(hold), id, apiVersion: $"2099-12-31.{train}"), 200);
        Assert.Equal(RegistrationStatus.Confirmed, await api.RegistrationStatusAsync(id));
        Assert.Equal(1, await api.SeatsTakenAsync(e.Id));
    }
}

public sealed class RefundTests(PaymentsFactory api) : IClassFixture<PaymentsFactory>
{
    private async Task<(EventsFactory.CreatedEvent Event, TestMember Organizer, List<(TestMember Member, Guid RegistrationId)> Paid)> PaidAsync(int count, int price = 3000)
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: count, priceYen: price));
        var members = await api.MembersAsync(count);
        var paid = new List<(TestMember, Guid)>();
        foreach (var m in members)
        {
            var hold = await m.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, 202);
            var id = hold.Id;
            await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", hold.CheckoutUrl!.Split('/')[^1], id), 200);
            paid.Add((m, id));
        }
        return (e, organizer, paid);
    }

    [Fact]
    public async Task Cancelling_an_event_with_40_paid_registrations_sends_40_refunds_and_a_rerun_sends_none()
    {
        var (e, organizer, paid) = await PaidAsync(40);
        await Expect.StatusAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{e.Id}/cancel", new { reason = "会場の都合により中止します" }), 200);
        Assert.Equal(40, await api.DbAsync(db => db.Refunds.CountAsync(r => r.EventId == e.Id && r.Status == RefundStatus.Requested && r.AmountYen == 3000)));

        // Other tests of this class share the fake Stripe: count this event's refunds by their idempotency keys.
        var keys = (await api.DbAsync(db => db.Refunds.Where(r => r.EventId == e.Id).Select(r => r.IdempotencyKey).ToListAsync())).ToHashSet();
        List<FakeStripe.Recorded> Calls() => api.Stripe.Requests.Where(r => r.Path == "/v1/refunds" && keys.Contains(r.IdempotencyKey ?? "")).ToList();

        var first = await api.RunPaymentJobsAsync();
        Assert.True(first.RefundsSent >= 40);
        Assert.Equal(40, Calls().Count);
        Assert.Equal(40, Calls().Select(r => r.IdempotencyKey).Distinct().Count());
        Assert.All(Calls(), r => Assert.Contains("amount=3000", r.Body));

        await api.RunPaymentJobsAsync();
        Assert.Equal(40, Calls().Count);
        Assert.Equal(0, await api.DbAsync(db => db.Refunds.CountAsync(r => r.EventId == e.Id && r.Status == RefundStatus.Requested)));
        Assert.Equal(40, await api.CountAsync($"SELECT count(*) FROM notification_records WHERE event_id = '{e.Id}' AND type = 'refund.requested'"));
        // Each member is told once the money is back.
        Assert.Equal(40, await api.CountAsync($"SELECT count(*) FROM notification_records WHERE event_id = '{e.Id}' AND type = 'refund.completed'"));
        var refunded = await api.MailAsync(paid[0].Member.Email, m => m.Subject.Contains("返金が完了"));
        Assert.Contains("¥3,000", refunded.Text);

        var report = await organizer.Client.GetAsync<ListEventPayments.Response>($"/api/events/{e.Id}/payments?limit=5");
        Assert.Equal(40, report.Totals.PaidCount);
        Assert.Equal(120_000, report.Totals.RefundedYen);
        Assert.Equal(40, report.Totals.RefundsSucceeded);
        Assert.Equal(5, report.Items.Count);
        var csv = await organizer.Client.GetAsync($"/api/events/{e.Id}/payments.csv");
        Assert.Equal(41, (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        await Expect.ProblemAsync(await paid[0].Member.Client.GetAsync($"/api/events/{e.Id}/payments"), 403, "event.not_organizer");
    }

    [Fact]
    public async Task Organizers_refund_partly_never_beyond_what_was_paid_and_members_cancelling_keep_the_fee()
    {
        var (e, organizer, paid) = await PaidAsync(2);
        var (member, id) = paid[0];
        await Expect.ProblemAsync(await member.Client.PostAsJsonAsync($"/api/registrations/{id}/refunds", new { amountYen = 1000 }), 403, "event.not_organizer");
        var stranger = await api.MemberAsync();
        await Expect.ProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/registrations/{id}/refunds", new { amountYen = 1000 }), 404, "registration.not_found");
        var part = await organizer.Client.PostAsync<RefundRegistration.Response>($"/api/registrations/{id}/refunds", new { amountYen = 1000 }, 201);
        Assert.Equal(2000, part.RefundableYenLeft);
        await Expect.ProblemAsync(await organizer.Client.PostAsJsonAsync($"/api/registrations/{id}/refunds", new { amountYen = 2001 }), 422, "payment.refund_too_large");
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync($"/api/registrations/{id}/refunds", new { amountYen = 0 }), "amountYen");
        await Expect.StatusAsync(await organizer.Client.PostAsJsonAsync($"/api/registrations/{id}/refunds", new { }), 201);
        await Expect.ProblemAsync(await organizer.Client.PostAsJsonAsync($"/api/registrations/{id}/refunds", new { amountYen = 1 }), 422, "payment.refund_too_large");
        Assert.Equal(3000, (await api.PaymentOfAsync(id)).RefundedYen);

        // The other member cancels before the deadline: refunded minus the ¥500 fee.
        var (other, otherId) = paid[1];
        await Expect.StatusAsync(await other.Client.PostAsync($"/api/registrations/{otherId}/cancel", null), 200);
        var refund = await api.DbAsync(db => db.Refunds.SingleAsync(r => r.RegistrationId == otherId));
        Assert.Equal((RefundReason.MemberCancelled, 2500), (refund.Reason, refund.AmountYen));
    }

    [Fact]
    public async Task Refund_updates_move_forward_and_a_failed_refund_can_be_refunded_again()
    {
        var (_, organizer, paid) = await PaidAsync(1);
        var id = paid[0].RegistrationId;
        await Expect.StatusAsync(await organizer.Client.PostAsJsonAsync($"/api/registrations/{id}/refunds", new { amountYen = 3000 }), 201);
        await api.RunPaymentJobsAsync();
        var stripeRefund = await api.DbAsync(db => db.Refunds.Where(r => r.RegistrationId == id).Select(r => r.StripeRefundId).SingleAsync());
        // The fake answers "succeeded" at once; a refund.failed afterwards must not move it back.
        Assert.Equal(RefundStatus.Succeeded, await api.DbAsync(db => db.Refunds.Where(r => r.RegistrationId == id).Select(r => r.Status).SingleAsync()));
        await Expect.StatusAsync(await api.DeliverRawAsync("refund.failed", new { id = stripeRefund, @object = "refund", status = "failed", failure_reason = "expired_or_canceled_card" }), 200);
        Assert.Equal(RefundStatus.Succeeded, await api.DbAsync(db => db.Refunds.Where(r => r.RegistrationId == id).Select(r => r.Status).SingleAsync()));

        // A refund Stripe reports failed while pending gives its yen back to refund again.
        await api.DbAsync(db => db.Refunds.Where(r => r.RegistrationId == id).ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RefundStatus.Pending)));
        var eventId = "evt_" + Guid.NewGuid().ToString("N");
        await Expect.StatusAsync(await api.DeliverRawAsync("refund.failed", new { id = stripeRefund, @object = "refund", status = "failed", failure_reason = "expired_or_canceled_card" }, eventId), 200);
        await Expect.StatusAsync(await api.DeliverRawAsync("refund.failed", new { id = stripeRefund, @object = "refund", status = "failed", failure_reason = "expired_or_canceled_card" }, eventId), 200);
        Assert.Equal(RefundStatus.Failed, await api.DbAsync(db => db.Refunds.Where(r => r.RegistrationId == id).Select(r => r.Status).SingleAsync()));
        Assert.Equal(0, (await api.PaymentOfAsync(id)).RefundedYen);
        await Expect.StatusAsync(await organizer.Client.PostAsJsonAsync($"/api/registrations/{id}/refunds", new { }), 201);
    }

    [Fact]
    public async Task A_hold_whose_webhook_never_came_is_settled_by_asking_stripe()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 5, priceYen: 2000));
        var buyer = await api.MemberAsync();
        var hold = await buyer.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, 202);
        var session = hold.CheckoutUrl!.Split('/')[^1];
        api.Stripe.MarkPaid(session);
        var expires = hold.HoldExpiresAt!.Value;
        Assert.Equal(0, (await api.RunPaymentJobsAsync(expires.AddMinutes(-5))).SessionsSettled);
        Assert.True((await api.RunPaymentJobsAsync(expires.AddSeconds(1))).SessionsSettled >= 1);
        Assert.Equal(RegistrationStatus.Confirmed, await api.RegistrationStatusAsync(hold.Id));
        Assert.Contains(api.Stripe.Requests, r => r.Method == "GET" && r.Path == $"/v1/checkout/sessions/{session}?{FakeStripe.ExpandIntent}");
    }

    [Fact]
    public async Task A_stripe_that_never_answers_gets_a_503_the_seat_stays_held_and_the_retry_repeats_the_request()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: 5, priceYen: 2000));
        var buyer = await api.MemberAsync();
        // Far longer than the 1 s timeout per attempt the factory sets: without it the member would wait 3 × 60 s.
        api.Stripe.Delay = TimeSpan.FromSeconds(60);
        Guid id;
        try
        {
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            var problem = await Expect.ProblemAsync(await buyer.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 503, "payment.unavailable");
            // 3 attempts of 1 s and Stripe.net's backoff (0.5 s, then 0.75–1 s).
            Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(15));
            id = problem.GetProperty("registrationId").GetGuid();
            Assert.Equal($"/api/registrations/{id}/checkout", problem.GetProperty("retry").GetString());
            Assert.True(problem.GetProperty("holdExpiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(25));
            var attempts = api.Stripe.Requests.Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id.ToString())).ToList();
            Assert.Equal(3, attempts.Count);
            Assert.Single(attempts.Select(a => a.IdempotencyKey).Distinct());
            Assert.Equal(RegistrationStatus.PendingPayment, await api.RegistrationStatusAsync(id));
            Assert.Equal(1, await api.SeatsTakenAsync(e.Id));
        }
        finally
        {
            api.Stripe.Delay = null;
        }
        // No answer is not a refusal: the retry sends the very same request under the same key.
        var retried = await buyer.Client.PostAsync<RegistrationView>($"/api/registrations/{id}/checkout", null);
        Assert.NotNull(retried.CheckoutUrl);
        var all = api.Stripe.Requests.Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id.ToString())).ToList();
        Assert.Single(all.Select(a => a.IdempotencyKey).Distinct());
        Assert.Single(all.Select(a => a.Body).Distinct());
    }

    [Fact]
    public async Task A_paid_price_under_stripes_50_yen_minimum_is_refused()
    {
        var organizer = await api.OrganizerAsync();
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync("/api/events", EventsFactory.StudySession(priceYen: 30)), "ticketTypes[0].priceYen", "event.invalid");
    }
}

public sealed class ProductionWithoutStripeFactory : EventsFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
        // Production refuses AllowedHosts '*'; the test client calls localhost.
        builder.UseSetting("AllowedHosts", "localhost");
    }
}

public sealed class ProductionCheckoutTests(ProductionWithoutStripeFactory api) : IClassFixture<ProductionWithoutStripeFactory>
{
    [Fact]
    public async Task In_production_the_simulated_checkout_does_not_exist_and_without_a_key_no_checkout_is_made()
    {
        Assert.Null(api.Services.GetService<SimulatedCheckoutGateway>());
        Assert.IsType<StripePaymentGateway>(api.Services.CreateScope().ServiceProvider.GetRequiredService<IPaymentGateway>());
        await Expect.StatusAsync(await api.CreateClient().GetAsync("/dev/checkout/cs_sim_anything"), 404);
        await Expect.StatusAsync(await api.CreateClient().PostAsync("/dev/checkout/cs_sim_anything/pay", null), 404);

        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(priceYen: 2000));
        var buyer = await api.MemberAsync();
        var held = await Expect.ProblemAsync(await buyer.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 503, "payment.unavailable");
        var id = held.GetProperty("registrationId").GetGuid();
        Assert.Equal(RegistrationStatus.PendingPayment, await api.RegistrationStatusAsync(id));
        await Expect.ProblemAsync(await buyer.Client.PostAsync($"/api/registrations/{id}/checkout", null), 503, "payment.unavailable");
    }
}

public sealed class SimulatedCheckoutFactory : EventsFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Stripe:WebhookSecrets:0"] = "whsec_simulated_for_tests" };
}

public sealed class SimulatedCheckoutTests(SimulatedCheckoutFactory api) : IClassFixture<SimulatedCheckoutFactory>
{
    [Fact]
    public async Task Register_open_the_checkout_page_pay_and_the_registration_is_confirmed()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(priceYen: 2500));
        var buyer = await api.MemberAsync();
        var hold = await buyer.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, 202);
        var checkoutUrl = hold.CheckoutUrl!;
        Assert.StartsWith($"{ApiFactory.PublicBaseUrl}/dev/checkout/cs_sim_", checkoutUrl);
        var checkout = new Uri(checkoutUrl).PathAndQuery;

        var page = await api.CreateClient().GetAsync(checkout);
        await Expect.StatusAsync(page, 200);
        Assert.Contains("¥2,500", await page.Content.ReadAsStringAsync());
        var paid = await api.CreateClient().PostAsync(checkout + "/pay", null);
        await Expect.StatusAsync(paid, 200);

        var registration = await buyer.Client.GetAsync<RegistrationView>($"/api/registrations/{hold.Id}");
        Assert.Equal(RegistrationStatus.Confirmed, registration.Status);
        Assert.Equal(1, await api.DbAsync(db => db.ProcessedStripeEvents.CountAsync()));
    }
}
