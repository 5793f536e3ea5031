using System.Net.Http.Json;
using System.Text.Json;
using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Assemble.Api.IntegrationTests;

/// <summary>
/// The faults of #15, each against the local fake Stripe at the network boundary: answers lost after Stripe acted,
/// Stripe hanging or down, webhooks lost or contradictory, sessions Stripe forgot, rows that never settle.
/// </summary>
public sealed class MoneyTests(PaymentsFactory api, ITestOutputHelper output) : IClassFixture<PaymentsFactory>
{
    private sealed record Hold(EventsFactory.CreatedEvent Event, TestMember Organizer, TestMember Buyer, string Id, string? Session, DateTimeOffset ExpiresAt);

    private async Task<Hold> HoldAsync(int capacity = 40, int price = 3000)
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: capacity, priceYen: price));
        var buyer = await api.MemberAsync();
        var hold = await Expect.JsonAsync(await buyer.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 202);
        return new Hold(e, organizer, buyer, hold.GetProperty("id").GetString()!, hold.GetProperty("checkoutUrl").GetString()!.Split('/')[^1],
            hold.GetProperty("holdExpiresAt").GetDateTimeOffset());
    }

    private async Task<Hold> PaidAsync(int price = 3000)
    {
        var h = await HoldAsync(price: price);
        await Expect.StatusAsync(await api.DeliverAsync(NewEvent(), "checkout.session.completed", h.Session!, h.Id), 200);
        Assert.True(api.Stripe.MarkPaid(h.Session!)); // what Stripe itself now knows (refunds check against it)
        return h;
    }

    private static string NewEvent() => "evt_" + Guid.NewGuid().ToString("N");

    private Task<object?> Status(string table, string idColumn, string id) => api.ScalarAsync($"SELECT status FROM {table} WHERE {idColumn} = '{id}'");

    private async Task<JsonElement> AdminProblemsAsync()
    {
        var admin = await api.AdminAsync();
        return await Expect.JsonAsync(await admin.Client.GetAsync("/api/admin/payments/problems"));
    }

    [Fact]
    public async Task A_refund_whose_every_answer_was_lost_settles_once_after_a_lookup_and_is_never_paid_twice()
    {
        var h = await PaidAsync();
        var intent = "pi_" + h.Session![8..];
        await Expect.StatusAsync(await h.Organizer.Client.PostAsJsonAsync($"/api/registrations/{h.Id}/refunds", new { }), 201);
        // Stripe refunds, and the answer is lost three times (the first try and Stripe.net's two retries).
        api.Stripe.LoseAnswers("/v1/refunds", 3);
        await api.RunPaymentJobsAsync();
        await TraceAsync("run 1 (every answer lost)", h.Id, intent);
        Assert.Equal("Unknown", await Status("refunds", "registration_id", h.Id));
        Assert.False(string.IsNullOrWhiteSpace((string?)await api.ScalarAsync($"SELECT last_error FROM refunds WHERE registration_id = '{h.Id}'")));
        // While unsettled, the money is still promised: it cannot be asked for again.
        await Expect.ProblemAsync(await h.Organizer.Client.PostAsJsonAsync($"/api/registrations/{h.Id}/refunds", new { }), 422, "payment.refund_too_large");
        Assert.Equal(3000, await api.CountAsync($"SELECT refunded_yen FROM payments WHERE registration_id = '{h.Id}'"));
        var unsettled = (await AdminProblemsAsync()).GetProperty("unsettledRefunds").EnumerateArray().Single(r => r.GetProperty("registrationId").GetString() == h.Id);
        Assert.Equal("unknown", unsettled.GetProperty("status").GetString());
        var organizerView = await Expect.JsonAsync(await h.Organizer.Client.GetAsync($"/api/events/{h.Event.Id}/payments/problems"));
        Assert.Single(organizerView.GetProperty("unsettledRefunds").EnumerateArray());

        // Not before its back-off; then the lookup finds the refund Stripe made, and nothing is sent again.
        Assert.Equal(0, (await api.RunPaymentJobsAsync()).RefundsSent);
        var report = await api.RunPaymentJobsAsync(DateTimeOffset.UtcNow.AddMinutes(2));
        await TraceAsync("run 2 (after the back-off)", h.Id, intent);
        Assert.Equal(1, report.RefundsSent);
        Assert.Equal("Succeeded", await Status("refunds", "registration_id", h.Id));
        Assert.Single(api.Stripe.Requests, r => r.Method == "GET" && r.Path == $"/v1/refunds?payment_intent={intent}&limit=100");
        var posts = api.Stripe.Requests.Where(r => r.Path == "/v1/refunds" && r.Body.Contains(intent)).ToList();
        Assert.Equal(3, posts.Count);
        Assert.Single(posts.Select(p => p.IdempotencyKey).Distinct());
        Assert.Single(api.Stripe.RefundsMade, id => api.Stripe.RefundIntent(id) == intent);
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM notification_records WHERE subject_id = '{h.Id}' AND type = 'refund.completed'"));
        await api.RunPaymentJobsAsync(DateTimeOffset.UtcNow.AddHours(2));
        await TraceAsync("run 3 (two hours later)", h.Id, intent);
        Assert.Equal(3, api.Stripe.Requests.Count(r => r.Path == "/v1/refunds" && r.Body.Contains(intent)));
        Assert.Equal(3000, await api.CountAsync($"SELECT refunded_yen FROM payments WHERE registration_id = '{h.Id}'"));
    }

    /// <summary>What Stripe was asked about this payment, and where our refund row stands (printed with --logger "console;verbosity=detailed").</summary>
    private async Task TraceAsync(string step, string registrationId, string intent)
    {
        var row = await api.ScalarAsync($"SELECT status || ' attempts=' || attempts || ' stripe_refund_id=' || coalesce(stripe_refund_id, '-') || ' last_error=' || coalesce(last_error, '-') FROM refunds WHERE registration_id = '{registrationId}'");
        output.WriteLine($"{step}: refund {row}");
        foreach (var r in api.Stripe.Requests.Where(r => r.Path.StartsWith("/v1/refunds", StringComparison.Ordinal) && (r.Body.Contains(intent) || r.Path.Contains(intent))))
            output.WriteLine($"    stripe saw {r.Method} {r.Path} key={r.IdempotencyKey ?? "-"}");
        output.WriteLine($"    refunds stripe made for {intent}: {api.Stripe.RefundsMade.Count(id => api.Stripe.RefundIntent(id) == intent)}");
    }

    [Fact]
    public async Task A_refund_stripe_never_received_is_found_missing_and_sent_again_under_its_one_key()
    {
        var h = await PaidAsync(2000);
        var intent = "pi_" + h.Session![8..];
        await Expect.StatusAsync(await h.Organizer.Client.PostAsJsonAsync($"/api/registrations/{h.Id}/refunds", new { amountYen = 1500 }), 201);
        // Stripe is down: 503 before its idempotency layer, so nothing happened.
        foreach (var _ in Enumerable.Range(0, 3)) api.Stripe.Failures.Enqueue(503);
        await api.RunPaymentJobsAsync();
        Assert.Equal("Unknown", await Status("refunds", "registration_id", h.Id));
        await api.RunPaymentJobsAsync(DateTimeOffset.UtcNow.AddMinutes(2));
        Assert.Equal("Succeeded", await Status("refunds", "registration_id", h.Id));
        var key = (string)(await api.ScalarAsync($"SELECT idempotency_key FROM refunds WHERE registration_id = '{h.Id}'"))!;
        Assert.All(api.Stripe.Requests.Where(r => r.Path == "/v1/refunds" && r.Body.Contains(intent)), r => Assert.Equal(key, r.IdempotencyKey));
        Assert.Single(api.Stripe.RefundsMade, id => api.Stripe.RefundIntent(id) == intent);
    }

    [Fact]
    public async Task A_refund_stripe_refuses_fails_with_its_reason_and_its_yen_can_be_refunded_again()
    {
        var h = await PaidAsync();
        await Expect.StatusAsync(await h.Organizer.Client.PostAsJsonAsync($"/api/registrations/{h.Id}/refunds", new { amountYen = 1000 }), 201);
        api.Stripe.Failures.Enqueue(400);
        Assert.Equal(1, (await api.RunPaymentJobsAsync()).RefundsFailed);
        Assert.Equal("Failed", await Status("refunds", "registration_id", h.Id));
        var reason = (string)(await api.ScalarAsync($"SELECT failure_reason FROM refunds WHERE registration_id = '{h.Id}'"))!;
        Assert.Contains("HTTP 400", reason);
        Assert.Equal(0, await api.CountAsync($"SELECT refunded_yen FROM payments WHERE registration_id = '{h.Id}'"));
        var failed = (await AdminProblemsAsync()).GetProperty("failedRefunds").EnumerateArray().Single(r => r.GetProperty("registrationId").GetString() == h.Id);
        Assert.Equal(reason, failed.GetProperty("failureReason").GetString());
        await Expect.StatusAsync(await h.Organizer.Client.PostAsJsonAsync($"/api/registrations/{h.Id}/refunds", new { }), 201);
    }

    [Fact]
    public async Task A_session_whose_every_answer_was_lost_is_found_again_by_repeating_the_stored_request()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(priceYen: 3000));
        var buyer = await api.MemberAsync();
        api.Stripe.LoseAnswers("/v1/checkout/sessions", 3);
        var problem = await Expect.ProblemAsync(await buyer.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 503, "payment.unavailable");
        var id = problem.GetProperty("registrationId").GetString()!;
        // Minutes later the member tries again: the same key with the very same parameters (expires_at included).
        var retried = await Expect.JsonAsync(await buyer.Client.PostAsync($"/api/registrations/{id}/checkout", null));
        var posts = api.Stripe.Requests.Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id)).ToList();
        Assert.Equal(4, posts.Count);
        Assert.Single(posts.Select(p => (p.IdempotencyKey, p.Body)).Distinct());
        // Stripe made one session, and it is the one the member gets.
        var session = retried.GetProperty("checkoutUrl").GetString()!.Split('/')[^1];
        Assert.Equal(session, (string?)await api.ScalarAsync($"SELECT checkout_session_id FROM payments WHERE registration_id = '{id}'"));
        Assert.Equal("open", api.Stripe.StatusOf(session));
        // The e-mail was kept only to repeat the request.
        Assert.IsType<DBNull>(await api.ScalarAsync($"SELECT checkout_terms->>'customerEmail' FROM payments WHERE registration_id = '{id}'"));
        Assert.Equal(3000, await api.CountAsync($"SELECT (checkout_terms->>'unitAmountYen')::int FROM payments WHERE registration_id = '{id}'"));
    }

    [Fact]
    public async Task Five_checkout_calls_at_once_on_two_processes_get_one_session()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(priceYen: 3000));
        var buyer = await api.MemberAsync();
        foreach (var _ in Enumerable.Range(0, 3)) api.Stripe.Failures.Enqueue(503);
        var id = (await Expect.ProblemAsync(await buyer.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 503, "payment.unavailable"))
            .GetProperty("registrationId").GetString()!;
        await api.ScalarAsync($"DELETE FROM payments WHERE registration_id = '{id}'"); // as if the first call had died before storing anything
        var before = api.Stripe.Requests.Count;
        await using var second = api.SecondInstance();
        var other = second.CreateClient();
        other.DefaultRequestHeaders.Authorization = buyer.Client.DefaultRequestHeaders.Authorization;
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => (i % 2 == 0 ? buyer.Client : other).PostAsync($"/api/registrations/{id}/checkout", null)));
        var urls = new List<string>();
        foreach (var answer in answers) urls.Add((await Expect.JsonAsync(answer)).GetProperty("checkoutUrl").GetString()!);
        Assert.Single(urls.Distinct());
        Assert.Single(api.Stripe.Requests.Skip(before).Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id)).Select(r => (r.IdempotencyKey, r.Body)).Distinct());
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM payments WHERE registration_id = '{id}'"));

        // Again on a payment whose key was just retired (no terms stored for its new attempt): one set of terms wins.
        var buyer2 = await api.MemberAsync();
        foreach (var _ in Enumerable.Range(0, 3)) api.Stripe.Failures.Enqueue(503);
        var id2 = (await Expect.ProblemAsync(await buyer2.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 503, "payment.unavailable"))
            .GetProperty("registrationId").GetString()!;
        Assert.Equal(2, await api.CountAsync($"SELECT checkout_attempt FROM payments WHERE registration_id = '{id2}' AND checkout_terms IS NULL"));
        before = api.Stripe.Requests.Count;
        var other2 = second.CreateClient();
        other2.DefaultRequestHeaders.Authorization = buyer2.Client.DefaultRequestHeaders.Authorization;
        var answers2 = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => (i % 2 == 0 ? buyer2.Client : other2).PostAsync($"/api/registrations/{id2}/checkout", null)));
        var urls2 = new List<string>();
        foreach (var answer in answers2) urls2.Add((await Expect.JsonAsync(answer)).GetProperty("checkoutUrl").GetString()!);
        Assert.Single(urls2.Distinct());
        var sent = api.Stripe.Requests.Skip(before).Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id2)).ToList();
        Assert.Single(sent.Select(r => (r.IdempotencyKey, r.Body)).Distinct());
        Assert.Equal($"checkout-{Guid.Parse(id2):N}-2", sent[0].IdempotencyKey);
    }

    [Fact]
    public async Task A_price_changed_between_a_failed_and_a_retried_checkout_charges_what_the_registration_records()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession(priceYen: 3000);
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var buyer = await api.MemberAsync();
        foreach (var _ in Enumerable.Range(0, 3)) api.Stripe.Failures.Enqueue(503);
        var problem = await Expect.ProblemAsync(await buyer.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 503, "payment.unavailable");
        var id = problem.GetProperty("registrationId").GetString()!;

        body["ticketTypes"] = new object[] { new { id = e.TicketTypeId, name = "一般", priceYen = 5000 } };
        await Expect.StatusAsync(await organizer.Client.PutAsJsonAsync($"/api/events/{e.Id}", body), 200);
        await Expect.JsonAsync(await buyer.Client.PostAsync($"/api/registrations/{id}/checkout", null));
        var sent = api.Stripe.Requests.Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id)).Select(r => FakeStripe.Form(r.Body)).ToList();
        Assert.All(sent, f => Assert.Equal("3000", f["line_items[0][price_data][unit_amount]"]));
        Assert.Equal(3000, await api.CountAsync($"SELECT amount_yen FROM registrations WHERE id = '{id}'"));
    }

    [Fact]
    public async Task A_member_who_paid_keeps_the_seat_when_the_webhook_is_lost_and_the_hold_ends_first()
    {
        var h = await HoldAsync(capacity: 1);
        var waiter = await api.MemberAsync();
        await Expect.StatusAsync(await waiter.Client.PostAsJsonAsync($"/api/events/{h.Event.Id}/waitlist", new { ticketTypeId = h.Event.TicketTypeId }), 201);
        Assert.True(api.Stripe.MarkPaid(h.Session!)); // paid in time; the webhook never comes

        // The seat-expiry job runs first: the seat is not its to release while Stripe may have the money.
        Assert.Equal(0, await api.RunSeatExpiryAsync(h.ExpiresAt.AddSeconds(1)));
        Assert.Equal("PendingPayment", await Status("registrations", "id", h.Id));
        Assert.Equal(0, await api.CountAsync($"SELECT count(*) FROM waitlist_entries WHERE event_id = '{h.Event.Id}' AND status = 'Offered'"));
        await api.RunPaymentJobsAsync(h.ExpiresAt.AddSeconds(1));
        Assert.Equal("Confirmed", await Status("registrations", "id", h.Id));
        Assert.Equal(0, await api.CountAsync($"SELECT count(*) FROM refunds WHERE registration_id = '{h.Id}'"));
        Assert.Equal(1, await api.CountAsync($"SELECT seats_taken FROM events WHERE id = '{h.Event.Id}'"));
    }

    [Fact]
    public async Task A_konbini_payment_keeps_the_seat_until_the_shop_payment_or_the_voucher_deadline()
    {
        var h = await HoldAsync(capacity: 1);
        Assert.Equal(200, (int)(await api.DeliverAsync(NewEvent(), "checkout.session.completed", h.Session!, h.Id, "unpaid")).StatusCode);
        api.Stripe.MarkKonbiniStarted(h.Session!);
        var held = (DateTime)(await api.ScalarAsync($"SELECT hold_expires_at FROM registrations WHERE id = '{h.Id}'"))!;
        Assert.True(held > DateTime.UtcNow.AddDays(3));
        // Long after the session's own end, the member can still pay at the shop.
        Assert.Equal(0, await api.RunSeatExpiryAsync(h.ExpiresAt.AddHours(5)));
        await api.RunPaymentJobsAsync(h.ExpiresAt.AddHours(5));
        Assert.Equal("PendingPayment", await Status("registrations", "id", h.Id));
        await Expect.StatusAsync(await api.DeliverAsync(NewEvent(), "checkout.session.async_payment_succeeded", h.Session!, h.Id), 200);
        Assert.Equal("Confirmed", await Status("registrations", "id", h.Id));

        // Another never pays, and the failure event is lost: after the voucher's deadline Stripe is asked, and the seat goes.
        var other = await HoldAsync(capacity: 1);
        await api.DeliverAsync(NewEvent(), "checkout.session.completed", other.Session!, other.Id, "unpaid");
        api.Stripe.MarkKonbiniStarted(other.Session!);
        await api.RunPaymentJobsAsync(DateTimeOffset.UtcNow.AddDays(3));
        Assert.Equal("PendingPayment", await Status("registrations", "id", other.Id));
        await api.RunPaymentJobsAsync(DateTimeOffset.UtcNow.AddDays(5));
        Assert.Equal("Expired", await Status("registrations", "id", other.Id));
        Assert.Equal("Failed", await Status("payments", "registration_id", other.Id));
        Assert.Equal(0, await api.CountAsync($"SELECT seats_taken FROM events WHERE id = '{other.Event.Id}'"));
    }

    [Fact]
    public async Task Cancelling_or_removing_a_hold_expires_its_session_at_stripe_and_a_payment_that_still_arrives_is_refunded()
    {
        var h = await HoldAsync();
        await Expect.StatusAsync(await h.Buyer.Client.PostAsync($"/api/registrations/{h.Id}/cancel", null), 200);
        await api.RunPaymentJobsAsync();
        Assert.Contains(api.Stripe.Requests, r => r.Method == "POST" && r.Path == $"/v1/checkout/sessions/{h.Session}/expire");
        Assert.Equal("expired", api.Stripe.StatusOf(h.Session!));
        Assert.False(api.Stripe.MarkPaid(h.Session!)); // nobody can pay it any more
        Assert.Equal("Expired", await Status("payments", "registration_id", h.Id));

        var removed = await HoldAsync();
        await Expect.StatusAsync(await removed.Organizer.Client.PostAsJsonAsync($"/api/registrations/{removed.Id}/remove", new { reason = "重複申込のため" }), 200);
        await api.RunPaymentJobsAsync();
        Assert.Equal("expired", api.Stripe.StatusOf(removed.Session!));

        // Paid in the moment between the cancellation and the expiry: the late-payment rules refund it.
        var raced = await HoldAsync();
        await Expect.StatusAsync(await raced.Buyer.Client.PostAsync($"/api/registrations/{raced.Id}/cancel", null), 200);
        Assert.True(api.Stripe.MarkPaid(raced.Session!));
        await Expect.StatusAsync(await api.DeliverAsync(NewEvent(), "checkout.session.completed", raced.Session!, raced.Id), 200);
        Assert.Equal("Cancelled", await Status("registrations", "id", raced.Id));
        Assert.Equal(3000, await api.CountAsync($"SELECT amount_yen FROM refunds WHERE registration_id = '{raced.Id}' AND reason = 'LatePaymentNoSeat'"));
        await api.RunPaymentJobsAsync();
        Assert.Equal("complete", api.Stripe.StatusOf(raced.Session!));
    }

    [Fact]
    public async Task An_amount_or_currency_stripe_reports_differently_is_never_confirmed_and_is_shown_to_admins()
    {
        var h = await HoldAsync(capacity: 1);
        await Expect.StatusAsync(await api.DeliverAsync(NewEvent(), "checkout.session.completed", h.Session!, h.Id, amount: 300), 200);
        Assert.Equal("PendingPayment", await Status("registrations", "id", h.Id));
        Assert.Equal("NeedsReview", await Status("payments", "registration_id", h.Id));
        // Held for a person: neither the hold's end nor the session's releases it.
        Assert.Equal(0, await api.RunSeatExpiryAsync(h.ExpiresAt.AddHours(1)));
        Assert.Equal(1, await api.CountAsync($"SELECT seats_taken FROM events WHERE id = '{h.Event.Id}'"));
        var problems = await AdminProblemsAsync();
        var mismatch = problems.GetProperty("problems").EnumerateArray().Single(p => p.GetProperty("stripeObjectId").GetString() == h.Session);
        Assert.Equal("amountMismatch", mismatch.GetProperty("kind").GetString());
        Assert.Contains("300", mismatch.GetProperty("detail").GetString());
        Assert.Contains(problems.GetProperty("paymentsNeedingReview").EnumerateArray(), p => p.GetProperty("registrationId").GetString() == h.Id);

        // The right amount in another currency is a mismatch too, found by reconciliation as well.
        var usd = await HoldAsync();
        Assert.True(api.Stripe.MarkPaid(usd.Session!));
        api.Stripe.Report(usd.Session!, 3000, "usd");
        await api.RunPaymentJobsAsync(usd.ExpiresAt.AddSeconds(1));
        Assert.Equal("NeedsReview", await Status("payments", "registration_id", usd.Id));
        Assert.Equal("PendingPayment", await Status("registrations", "id", usd.Id));
    }

    [Fact]
    public async Task An_event_matching_two_payments_or_none_is_answered_200_recorded_once_and_changes_nothing()
    {
        var a = await HoldAsync();
        var b = await HoldAsync();
        var conflicting = NewEvent();
        for (var i = 0; i < 2; i++)
            await Expect.StatusAsync(await api.DeliverAsync(conflicting, "checkout.session.completed", a.Session!, b.Id), 200);
        Assert.Equal("PendingPayment", await Status("registrations", "id", a.Id));
        Assert.Equal("PendingPayment", await Status("registrations", "id", b.Id));
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM payment_problems WHERE stripe_event_id = '{conflicting}' AND kind = 'ConflictingEvent'"));

        var unmatched = NewEvent();
        await Expect.StatusAsync(await api.DeliverAsync(unmatched, "checkout.session.completed", "cs_test_" + Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString()), 200);
        Assert.Contains((await AdminProblemsAsync()).GetProperty("problems").EnumerateArray(), p => p.GetProperty("stripeEventId").GetString() == unmatched
            && p.GetProperty("kind").GetString() == "unmatchedEvent");
        // Organizers see their own event's problems, strangers nothing.
        var organizerView = await Expect.JsonAsync(await a.Organizer.Client.GetAsync($"/api/events/{a.Event.Id}/payments/problems"));
        Assert.Contains(organizerView.GetProperty("problems").EnumerateArray(), p => p.GetProperty("stripeEventId").GetString() == conflicting);
        Assert.DoesNotContain(organizerView.GetProperty("problems").EnumerateArray(), p => p.GetProperty("stripeEventId").GetString() == unmatched);
    }

    [Fact]
    public async Task Webhook_deliveries_are_counted_by_type_and_outcome_at_the_scrape_endpoint()
    {
        var h = await HoldAsync();
        var once = NewEvent();
        await Expect.StatusAsync(await api.DeliverAsync(once, "checkout.session.completed", h.Session!, h.Id), 200);
        await Expect.StatusAsync(await api.DeliverAsync(once, "checkout.session.completed", h.Session!, h.Id), 200);
        var scrape = await (await api.AdminAsync()).Client.GetStringAsync("/metrics");
        double Count(string outcome)
        {
            var line = scrape.Split('\n').FirstOrDefault(l => l.StartsWith("assemble_stripe_webhooks_total{", StringComparison.Ordinal)
                && l.Contains("type=\"checkout.session.completed\"") && l.Contains($"outcome=\"{outcome}\""));
            return line is null ? 0 : double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.True(Count("handled") >= 1, scrape.Length > 0 ? "no handled delivery counted" : "empty scrape");
        Assert.True(Count("duplicate") >= 1);
    }

    [Fact]
    public async Task Money_problems_are_for_admins_and_the_events_organizers_only()
    {
        var h = await HoldAsync();
        await Expect.StatusAsync(await api.CreateClient().GetAsync("/api/admin/payments/problems"), 401);
        await Expect.StatusAsync(await h.Buyer.Client.GetAsync("/api/admin/payments/problems"), 403);
        await Expect.StatusAsync(await h.Organizer.Client.GetAsync("/api/admin/payments/problems"), 403);
        await Expect.StatusAsync(await api.CreateClient().GetAsync($"/api/events/{h.Event.Id}/payments/problems"), 401);
        var stranger = await api.OrganizerAsync();
        Assert.Contains((int)(await stranger.Client.GetAsync($"/api/events/{h.Event.Id}/payments/problems")).StatusCode, new[] { 403, 404 });
        Assert.Contains((int)(await h.Buyer.Client.GetAsync($"/api/events/{h.Event.Id}/payments/problems")).StatusCode, new[] { 403, 404 });
        await Expect.StatusAsync(await h.Organizer.Client.GetAsync($"/api/events/{Guid.NewGuid()}/payments/problems"), 404);
    }

    [Fact]
    public async Task A_session_stripe_no_longer_knows_settles_its_row_once()
    {
        var h = await HoldAsync();
        api.Stripe.Forget(h.Session!);
        await api.RunPaymentJobsAsync(h.ExpiresAt.AddSeconds(1));
        Assert.Equal("Expired", await Status("registrations", "id", h.Id));
        Assert.Equal(0, await api.CountAsync($"SELECT seats_taken FROM events WHERE id = '{h.Event.Id}'"));
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM payment_problems WHERE stripe_object_id = '{h.Session}' AND kind = 'SessionMissing'"));
        await api.RunPaymentJobsAsync(h.ExpiresAt.AddHours(2));
        Assert.Single(api.Stripe.Requests, r => r.Method == "GET" && r.Path == $"/v1/checkout/sessions/{h.Session}");
    }

    [Fact]
    public async Task A_hundred_and_fifty_rows_that_never_settle_do_not_stop_a_new_session_behind_them()
    {
        var template = await HoldAsync(capacity: 400);
        // 150 payments whose sessions Stripe keeps failing to answer about, all due long ago.
        await api.ScalarAsync($"""
            WITH r AS (
                INSERT INTO registrations
                SELECT (jsonb_populate_record(NULL::registrations, to_jsonb(t) || jsonb_build_object('id', gen_random_uuid(), 'status', 'Expired', 'check_in_code', md5(random()::text), 'hold_expires_at', null, 'ended_at', now()))).*
                FROM registrations t, generate_series(1, 150) WHERE t.id = '{template.Id}'
                RETURNING id)
            INSERT INTO payments
            SELECT (jsonb_populate_record(NULL::payments, to_jsonb(p) || jsonb_build_object('id', gen_random_uuid(), 'registration_id', r.id,
                'checkout_session_id', '{FakeStripe.BrokenSessionPrefix}' || r.id, 'next_check_at', now() - interval '1 day'))).*
            FROM payments p, r WHERE p.registration_id = '{template.Id}'
            """);
        var fresh = await HoldAsync(capacity: 400);
        Assert.True(api.Stripe.MarkPaid(fresh.Session!));

        var report = await api.RunPaymentJobsAsync(fresh.ExpiresAt.AddSeconds(1));
        Assert.Equal("Confirmed", await Status("registrations", "id", fresh.Id));
        // Each broken row was asked once in this run and put back with a back-off, not asked again and again.
        Assert.Equal(150, api.Stripe.Requests.Count(r => r.Method == "GET" && r.Path.StartsWith("/v1/checkout/sessions/" + FakeStripe.BrokenSessionPrefix, StringComparison.Ordinal)));
        Assert.True(report.SessionsAsked >= 151);
        Assert.Equal(150, await api.CountAsync($"SELECT count(*) FROM payments WHERE checkout_session_id LIKE '{FakeStripe.BrokenSessionPrefix}%' AND checks = 1 AND next_check_at > now()"));
    }

    [Fact]
    public async Task A_stripe_that_hangs_answers_the_member_within_the_checkout_budget()
    {
        var slow = new SlowStripeFactory();
        await slow.InitializeAsync();
        try
        {
            var organizer = await slow.OrganizerAsync();
            var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(priceYen: 3000));
            var buyer = await slow.MemberAsync();
            slow.Stripe.Delay = TimeSpan.FromSeconds(60);
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            var problem = await Expect.ProblemAsync(await buyer.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 503, "payment.unavailable");
            // Stripe.net alone would wait 3 × 4 s and its backoff: the budget (3 s) answers first.
            Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(6));
            var id = problem.GetProperty("registrationId").GetString()!;
            Assert.Equal("PendingPayment", await slow.ScalarAsync($"SELECT status FROM registrations WHERE id = '{id}'"));
            slow.Stripe.Delay = null;
            var retried = await Expect.JsonAsync(await buyer.Client.PostAsync($"/api/registrations/{id}/checkout", null));
            Assert.StartsWith("https://checkout.stripe.test/", retried.GetProperty("checkoutUrl").GetString());
        }
        finally
        {
            await ((IAsyncLifetime)slow).DisposeAsync();
            await slow.Stripe.DisposeAsync();
        }
    }
}

/// <summary>Stripe with a realistic per-attempt timeout and a short budget, to show the budget wins.</summary>
public sealed class SlowStripeFactory : EventsFactory
{
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
        ["Stripe:WebhookSecrets:0"] = PaymentsFactory.Secret,
        ["Stripe:Timeout"] = "00:00:04",
        ["Payments:CheckoutBudget"] = "00:00:03",
    };
}
