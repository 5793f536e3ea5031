using System.Net.Http.Json;
using Assemble.Api.Features.Payments;
using Assemble.Api.Features.Registrations;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Microsoft.EntityFrameworkCore;
using Xunit;
using Xunit.Abstractions;

namespace Assemble.Api.IntegrationTests;

/// <summary>
/// The faults of #15, each against the local fake Stripe at the network boundary: answers lost after Stripe acted,
/// Stripe hanging or down, webhooks lost or contradictory, sessions Stripe forgot, rows that never settle.
/// </summary>
public sealed class MoneyTests(PaymentsFactory api, ITestOutputHelper output) : IClassFixture<PaymentsFactory>
{
    private sealed record Hold(EventsFactory.CreatedEvent Event, TestMember Organizer, TestMember Buyer, Guid Id, string? Session, DateTimeOffset ExpiresAt);

    private async Task<Hold> HoldAsync(int capacity = 40, int price = 3000)
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(capacity: capacity, priceYen: price));
        var buyer = await api.MemberAsync();
        var hold = await buyer.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, 202);
        return new Hold(e, organizer, buyer, hold.Id, hold.CheckoutUrl!.Split('/')[^1],
            hold.HoldExpiresAt!.Value);
    }

    private async Task<Hold> PaidAsync(int price = 3000)
    {
        var h = await HoldAsync(price: price);
        await Expect.StatusAsync(await api.DeliverAsync(NewEvent(), "checkout.session.completed", h.Session!, h.Id), 200);
        Assert.True(api.Stripe.MarkPaid(h.Session!)); // what Stripe itself now knows (refunds check against it)
        return h;
    }

    private static string NewEvent() => "evt_" + Guid.NewGuid().ToString("N");

    private Task<Refund> RefundOfAsync(Guid registrationId) => api.DbAsync(db => db.Refunds.SingleAsync(r => r.RegistrationId == registrationId));

    private async Task<ListMoneyProblems.Response> AdminProblemsAsync()
    {
        var admin = await api.AdminAsync();
        return await admin.Client.GetAsync<ListMoneyProblems.Response>("/api/admin/payments/problems");
    }

    private static Task<ListMoneyProblems.Response> OrganizerProblemsAsync(Hold h)
        => h.Organizer.Client.GetAsync<ListMoneyProblems.Response>($"/api/events/{h.Event.Id}/payments/problems");

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
        Assert.Equal(RefundStatus.Unknown, (await RefundOfAsync(h.Id)).Status);
        Assert.False(string.IsNullOrWhiteSpace((await RefundOfAsync(h.Id)).LastError));
        // While unsettled, the money is still promised: it cannot be asked for again.
        await Expect.ProblemAsync(await h.Organizer.Client.PostAsJsonAsync($"/api/registrations/{h.Id}/refunds", new { }), 422, "payment.refund_too_large");
        Assert.Equal(3000, (await api.PaymentOfAsync(h.Id)).RefundedYen);
        var unsettled = (await AdminProblemsAsync()).UnsettledRefunds.Single(r => r.RegistrationId == h.Id);
        Assert.Equal(RefundStatus.Unknown, unsettled.Status);
        Assert.Single((await OrganizerProblemsAsync(h)).UnsettledRefunds);

        // Not before its back-off; then the lookup finds the refund Stripe made, and nothing is sent again.
        Assert.Equal(0, (await api.RunPaymentJobsAsync()).RefundsSent);
        var report = await api.RunPaymentJobsAsync(DateTimeOffset.UtcNow.AddMinutes(2));
        await TraceAsync("run 2 (after the back-off)", h.Id, intent);
        Assert.Equal(1, report.RefundsSent);
        Assert.Equal(RefundStatus.Succeeded, (await RefundOfAsync(h.Id)).Status);
        Assert.Single(api.Stripe.Requests, r => r.Method == "GET" && r.Path == $"/v1/refunds?payment_intent={intent}&limit=100");
        var posts = api.Stripe.Requests.Where(r => r.Path == "/v1/refunds" && r.Body.Contains(intent)).ToList();
        Assert.Equal(3, posts.Count);
        Assert.Single(posts.Select(p => p.IdempotencyKey).Distinct());
        Assert.Single(api.Stripe.RefundsMade, id => api.Stripe.RefundIntent(id) == intent);
        Assert.Equal(1, await api.CountAsync($"SELECT count(*) FROM notification_records WHERE subject_id = '{h.Id}' AND type = 'refund.completed'"));
        await api.RunPaymentJobsAsync(DateTimeOffset.UtcNow.AddHours(2));
        await TraceAsync("run 3 (two hours later)", h.Id, intent);
        Assert.Equal(3, api.Stripe.Requests.Count(r => r.Path == "/v1/refunds" && r.Body.Contains(intent)));
        Assert.Equal(3000, (await api.PaymentOfAsync(h.Id)).RefundedYen);
    }

    /// <summary>What Stripe was asked about this payment, and where our refund row stands (printed with --logger "console;verbosity=detailed").</summary>
    private async Task TraceAsync(string step, Guid registrationId, string intent)
    {
        var refund = await RefundOfAsync(registrationId);
        output.WriteLine($"{step}: refund {refund.Status} attempts={refund.Attempts} stripe_refund_id={refund.StripeRefundId ?? "-"} last_error={refund.LastError ?? "-"}");
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
        Assert.Equal(RefundStatus.Unknown, (await RefundOfAsync(h.Id)).Status);
        await api.RunPaymentJobsAsync(DateTimeOffset.UtcNow.AddMinutes(2));
        Assert.Equal(RefundStatus.Succeeded, (await RefundOfAsync(h.Id)).Status);
        var key = (await RefundOfAsync(h.Id)).IdempotencyKey;
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
        Assert.Equal(RefundStatus.Failed, (await RefundOfAsync(h.Id)).Status);
        var reason = (await RefundOfAsync(h.Id)).FailureReason;
        Assert.Contains("HTTP 400", reason);
        Assert.Equal(0, (await api.PaymentOfAsync(h.Id)).RefundedYen);
        var failed = (await AdminProblemsAsync()).FailedRefunds.Single(r => r.RegistrationId == h.Id);
        Assert.Equal(reason, failed.FailureReason);
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
        var id = problem.GetProperty("registrationId").GetGuid();
        // Minutes later the member tries again: the same key with the very same parameters (expires_at included).
        var retried = await buyer.Client.PostAsync<RegistrationView>($"/api/registrations/{id}/checkout", null);
        var posts = api.Stripe.Requests.Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id.ToString())).ToList();
        Assert.Equal(4, posts.Count);
        Assert.Single(posts.Select(p => (p.IdempotencyKey, p.Body)).Distinct());
        // Stripe made one session, and it is the one the member gets.
        var session = retried.CheckoutUrl!.Split('/')[^1];
        var payment = await api.PaymentOfAsync(id);
        Assert.Equal(session, payment.CheckoutSessionId);
        Assert.Equal("open", api.Stripe.StatusOf(session));
        // The e-mail was kept only to repeat the request.
        Assert.Null(payment.CheckoutTerms!.CustomerEmail);
        Assert.Equal(3000, payment.CheckoutTerms.UnitAmountYen);
    }

    [Fact]
    public async Task Five_checkout_calls_at_once_on_two_processes_get_one_session()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(priceYen: 3000));
        var buyer = await api.MemberAsync();
        foreach (var _ in Enumerable.Range(0, 3)) api.Stripe.Failures.Enqueue(503);
        var id = (await Expect.ProblemAsync(await buyer.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 503, "payment.unavailable"))
            .GetProperty("registrationId").GetGuid();
        await api.DbAsync(db => db.Payments.Where(p => p.RegistrationId == id).ExecuteDeleteAsync()); // as if the first call had died before storing anything
        var before = api.Stripe.Requests.Count;
        await using var second = api.SecondInstance();
        var other = second.CreateClient();
        other.DefaultRequestHeaders.Authorization = buyer.Client.DefaultRequestHeaders.Authorization;
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => (i % 2 == 0 ? buyer.Client : other).PostAsync($"/api/registrations/{id}/checkout", null)));
        var urls = new List<string>();
        foreach (var answer in answers) urls.Add((await answer.ReadAsync<RegistrationView>()).CheckoutUrl!);
        Assert.Single(urls.Distinct());
        Assert.Single(api.Stripe.Requests.Skip(before).Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id.ToString())).Select(r => (r.IdempotencyKey, r.Body)).Distinct());
        Assert.Equal(1, await api.DbAsync(db => db.Payments.CountAsync(p => p.RegistrationId == id)));

        // Again on a payment whose key was just retired (no terms stored for its new attempt): one set of terms wins.
        var buyer2 = await api.MemberAsync();
        foreach (var _ in Enumerable.Range(0, 3)) api.Stripe.Failures.Enqueue(503);
        var id2 = (await Expect.ProblemAsync(await buyer2.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 503, "payment.unavailable"))
            .GetProperty("registrationId").GetGuid();
        var retired = await api.PaymentOfAsync(id2);
        Assert.Equal((2, null), (retired.CheckoutAttempt, retired.CheckoutTerms));
        before = api.Stripe.Requests.Count;
        var other2 = second.CreateClient();
        other2.DefaultRequestHeaders.Authorization = buyer2.Client.DefaultRequestHeaders.Authorization;
        var answers2 = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => (i % 2 == 0 ? buyer2.Client : other2).PostAsync($"/api/registrations/{id2}/checkout", null)));
        var urls2 = new List<string>();
        foreach (var answer in answers2) urls2.Add((await answer.ReadAsync<RegistrationView>()).CheckoutUrl!);
        Assert.Single(urls2.Distinct());
        var sent = api.Stripe.Requests.Skip(before).Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id2.ToString())).ToList();
        Assert.Single(sent.Select(r => (r.IdempotencyKey, r.Body)).Distinct());
        Assert.Equal($"checkout-{id2:N}-2", sent[0].IdempotencyKey);
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
        var id = problem.GetProperty("registrationId").GetGuid();

        body["ticketTypes"] = new object[] { new { id = e.TicketTypeId, name = "一般", priceYen = 5000 } };
        await Expect.StatusAsync(await organizer.Client.PutAsJsonAsync($"/api/events/{e.Id}", body), 200);
        await buyer.Client.PostAsync<RegistrationView>($"/api/registrations/{id}/checkout", null);
        var sent = api.Stripe.Requests.Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id.ToString())).Select(r => FakeStripe.Form(r.Body)).ToList();
        Assert.All(sent, f => Assert.Equal("3000", f["line_items[0][price_data][unit_amount]"]));
        Assert.Equal(3000, await api.DbAsync(db => db.Registrations.Where(r => r.Id == id).Select(r => r.AmountYen).SingleAsync()));
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
        Assert.Equal(RegistrationStatus.PendingPayment, await api.RegistrationStatusAsync(h.Id));
        Assert.Equal(0, await api.DbAsync(db => db.WaitlistEntries.CountAsync(w => w.EventId == h.Event.Id && w.Status == WaitlistStatus.Offered)));
        await api.RunPaymentJobsAsync(h.ExpiresAt.AddSeconds(1));
        Assert.Equal(RegistrationStatus.Confirmed, await api.RegistrationStatusAsync(h.Id));
        Assert.Equal(0, await api.DbAsync(db => db.Refunds.CountAsync(r => r.RegistrationId == h.Id)));
        Assert.Equal(1, await api.SeatsTakenAsync(h.Event.Id));
    }

    [Fact]
    public async Task A_konbini_payment_keeps_the_seat_until_the_shop_payment_or_the_voucher_deadline()
    {
        var h = await HoldAsync(capacity: 1);
        Assert.Equal(200, (int)(await api.DeliverAsync(NewEvent(), "checkout.session.completed", h.Session!, h.Id, "unpaid")).StatusCode);
        api.Stripe.MarkKonbiniStarted(h.Session!);
        var held = await api.DbAsync(db => db.Registrations.Where(r => r.Id == h.Id).Select(r => r.HoldExpiresAt).SingleAsync());
        Assert.True(held > DateTimeOffset.UtcNow.AddDays(3));
        // Long after the session's own end, the member can still pay at the shop.
        Assert.Equal(0, await api.RunSeatExpiryAsync(h.ExpiresAt.AddHours(5)));
        await api.RunPaymentJobsAsync(h.ExpiresAt.AddHours(5));
        Assert.Equal(RegistrationStatus.PendingPayment, await api.RegistrationStatusAsync(h.Id));
        await Expect.StatusAsync(await api.DeliverAsync(NewEvent(), "checkout.session.async_payment_succeeded", h.Session!, h.Id), 200);
        Assert.Equal(RegistrationStatus.Confirmed, await api.RegistrationStatusAsync(h.Id));

        // Another never pays, and the failure event is lost: after the voucher's deadline Stripe is asked, and the seat goes.
        var other = await HoldAsync(capacity: 1);
        await api.DeliverAsync(NewEvent(), "checkout.session.completed", other.Session!, other.Id, "unpaid");
        api.Stripe.MarkKonbiniStarted(other.Session!);
        await api.RunPaymentJobsAsync(DateTimeOffset.UtcNow.AddDays(3));
        Assert.Equal(RegistrationStatus.PendingPayment, await api.RegistrationStatusAsync(other.Id));
        await api.RunPaymentJobsAsync(DateTimeOffset.UtcNow.AddDays(5));
        Assert.Equal(RegistrationStatus.Expired, await api.RegistrationStatusAsync(other.Id));
        Assert.Equal(PaymentStatus.Failed, (await api.PaymentOfAsync(other.Id)).Status);
        Assert.Equal(0, await api.SeatsTakenAsync(other.Event.Id));
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
        Assert.Equal(PaymentStatus.Expired, (await api.PaymentOfAsync(h.Id)).Status);

        var removed = await HoldAsync();
        await Expect.StatusAsync(await removed.Organizer.Client.PostAsJsonAsync($"/api/registrations/{removed.Id}/remove", new { reason = "重複申込のため" }), 200);
        await api.RunPaymentJobsAsync();
        Assert.Equal("expired", api.Stripe.StatusOf(removed.Session!));

        // Paid in the moment between the cancellation and the expiry: the late-payment rules refund it.
        var raced = await HoldAsync();
        await Expect.StatusAsync(await raced.Buyer.Client.PostAsync($"/api/registrations/{raced.Id}/cancel", null), 200);
        Assert.True(api.Stripe.MarkPaid(raced.Session!));
        await Expect.StatusAsync(await api.DeliverAsync(NewEvent(), "checkout.session.completed", raced.Session!, raced.Id), 200);
        Assert.Equal(RegistrationStatus.Cancelled, await api.RegistrationStatusAsync(raced.Id));
        var refund = await RefundOfAsync(raced.Id);
        Assert.Equal((RefundReason.LatePaymentNoSeat, 3000), (refund.Reason, refund.AmountYen));
        await api.RunPaymentJobsAsync();
        Assert.Equal("complete", api.Stripe.StatusOf(raced.Session!));
    }

    [Fact]
    public async Task An_amount_or_currency_stripe_reports_differently_is_never_confirmed_and_is_shown_to_admins()
    {
        var h = await HoldAsync(capacity: 1);
        await Expect.StatusAsync(await api.DeliverAsync(NewEvent(), "checkout.session.completed", h.Session!, h.Id, amount: 300), 200);
        Assert.Equal(RegistrationStatus.PendingPayment, await api.RegistrationStatusAsync(h.Id));
        Assert.Equal(PaymentStatus.NeedsReview, (await api.PaymentOfAsync(h.Id)).Status);
        // Held for a person: neither the hold's end nor the session's releases it.
        Assert.Equal(0, await api.RunSeatExpiryAsync(h.ExpiresAt.AddHours(1)));
        Assert.Equal(1, await api.SeatsTakenAsync(h.Event.Id));
        var problems = await AdminProblemsAsync();
        var mismatch = problems.Problems.Single(p => p.StripeObjectId == h.Session);
        Assert.Equal(PaymentProblemKind.AmountMismatch, mismatch.Kind);
        Assert.Contains("300", mismatch.Detail);
        Assert.Contains(problems.PaymentsNeedingReview, p => p.RegistrationId == h.Id);

        // The right amount in another currency is a mismatch too, found by reconciliation as well.
        var usd = await HoldAsync();
        Assert.True(api.Stripe.MarkPaid(usd.Session!));
        api.Stripe.Report(usd.Session!, 3000, "usd");
        await api.RunPaymentJobsAsync(usd.ExpiresAt.AddSeconds(1));
        Assert.Equal(PaymentStatus.NeedsReview, (await api.PaymentOfAsync(usd.Id)).Status);
        Assert.Equal(RegistrationStatus.PendingPayment, await api.RegistrationStatusAsync(usd.Id));
    }

    [Fact]
    public async Task An_event_matching_two_payments_or_none_is_answered_200_recorded_once_and_changes_nothing()
    {
        var a = await HoldAsync();
        var b = await HoldAsync();
        var conflicting = NewEvent();
        for (var i = 0; i < 2; i++)
            await Expect.StatusAsync(await api.DeliverAsync(conflicting, "checkout.session.completed", a.Session!, b.Id), 200);
        Assert.Equal(RegistrationStatus.PendingPayment, await api.RegistrationStatusAsync(a.Id));
        Assert.Equal(RegistrationStatus.PendingPayment, await api.RegistrationStatusAsync(b.Id));
        Assert.Equal(1, await api.DbAsync(db => db.PaymentProblems.CountAsync(p => p.StripeEventId == conflicting && p.Kind == PaymentProblemKind.ConflictingEvent)));

        var unmatched = NewEvent();
        await Expect.StatusAsync(await api.DeliverAsync(unmatched, "checkout.session.completed", "cs_test_" + Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString()), 200);
        Assert.Contains((await AdminProblemsAsync()).Problems, p => p.StripeEventId == unmatched && p.Kind == PaymentProblemKind.UnmatchedEvent);
        // Organizers see their own event's problems, strangers nothing.
        var organizerView = await OrganizerProblemsAsync(a);
        Assert.Contains(organizerView.Problems, p => p.StripeEventId == conflicting);
        Assert.DoesNotContain(organizerView.Problems, p => p.StripeEventId == unmatched);
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
        Assert.Equal(RegistrationStatus.Expired, await api.RegistrationStatusAsync(h.Id));
        Assert.Equal(0, await api.SeatsTakenAsync(h.Event.Id));
        Assert.Equal(1, await api.DbAsync(db => db.PaymentProblems.CountAsync(p => p.StripeObjectId == h.Session && p.Kind == PaymentProblemKind.SessionMissing)));
        await api.RunPaymentJobsAsync(h.ExpiresAt.AddHours(2));
        Assert.Single(api.Stripe.Requests, r => r.Method == "GET" && r.Path == $"/v1/checkout/sessions/{h.Session}?{FakeStripe.ExpandIntent}");
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
        Assert.Equal(RegistrationStatus.Confirmed, await api.RegistrationStatusAsync(fresh.Id));
        // Each broken row was asked once in this run and put back with a back-off, not asked again and again.
        Assert.Equal(150, api.Stripe.Requests.Count(r => r.Method == "GET" && r.Path.StartsWith("/v1/checkout/sessions/" + FakeStripe.BrokenSessionPrefix, StringComparison.Ordinal)));
        Assert.True(report.SessionsAsked >= 151);
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(150, await api.DbAsync(db => db.Payments.CountAsync(p => p.CheckoutSessionId!.StartsWith(FakeStripe.BrokenSessionPrefix) && p.Checks == 1 && p.NextCheckAt > now)));
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
            var id = problem.GetProperty("registrationId").GetGuid();
            Assert.Equal(RegistrationStatus.PendingPayment, await slow.RegistrationStatusAsync(id));
            slow.Stripe.Delay = null;
            var retried = await buyer.Client.PostAsync<RegistrationView>($"/api/registrations/{id}/checkout", null);
            Assert.StartsWith("https://checkout.stripe.test/", retried.CheckoutUrl);
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
