using System.Net.Http.Json;
using Assemble.Api.Features.Memberships;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Memberships;
using Assemble.Domain.Payments;
using Assemble.Domain.Receipts;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>Dues paid by card through the fake Stripe: the same machinery and guarantees as a ticket.</summary>
public sealed class DuesCheckoutTests(PaymentsFactory api) : IClassFixture<PaymentsFactory>
{
    private static DateOnly Today => MembershipPayment.DayInJapan(DateTimeOffset.UtcNow);

    private async Task<string> PlanAsync(int price = 8_800, string[]? professions = null, string tax = "standard", bool offered = true)
    {
        var admin = await api.AdminAsync();
        var code = "dues-" + Guid.NewGuid().ToString("N")[..8];
        await admin.Client.PutAsync<MembershipPlans.MembershipPlanView>($"/api/admin/membership/plans/{code}",
            new { name = "正会員", priceYen = price, professions = professions ?? [], validity = "twelveMonths", tax, offered }, 201);
        return code;
    }

    private static Task<HttpResponseMessage> CheckoutAsync(TestMember member, string? plan) => member.Client.PostAsJsonAsync("/api/me/membership/checkout", new { planCode = plan });

    private static string SessionOf(DuesCheckout.Response r) => r.CheckoutUrl!.Split('/')[^1];

    private Task<HttpResponseMessage> PaidAsync(DuesCheckout.Response r, long? amount = null, string? eventId = null)
        => api.DeliverAsync(eventId ?? "evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(r), r.PaymentId.ToString(), amount: amount ?? r.AmountYen);

    private Task<List<MembershipPayment>> MembershipPaymentsAsync(Guid memberId)
        => api.DbAsync(db => db.MembershipPayments.IgnoreQueryFilters().Where(p => p.MemberId == memberId).ToListAsync());

    [Fact]
    public async Task Dues_open_exactly_this_session_and_five_deliveries_at_once_record_one_period_one_receipt_and_one_mail()
    {
        var plan = await PlanAsync();
        var member = await api.MemberAsync();
        var checkout = await (await CheckoutAsync(member, plan)).ReadAsync<DuesCheckout.Response>();
        Assert.Equal((plan, 8_800, PaymentStatus.CheckoutOpen), (checkout.PlanCode, checkout.AmountYen, checkout.Status));
        Assert.StartsWith("https://checkout.stripe.test/c/pay/cs_test_", checkout.CheckoutUrl);
        Assert.InRange(checkout.ExpiresAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));

        var id = checkout.PaymentId;
        var create = api.Stripe.Requests.Single(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id.ToString()));
        Assert.Equal($"dues-{id:N}", create.IdempotencyKey);
        var form = FakeStripe.Form(create.Body);
        var expected = new Dictionary<string, string>
        {
            ["mode"] = "payment",
            ["line_items[0][price_data][currency]"] = "jpy",
            ["line_items[0][price_data][unit_amount]"] = "8800",
            ["line_items[0][price_data][product_data][name]"] = "正会員 年会費",
            ["line_items[0][quantity]"] = "1",
            ["success_url"] = $"{ApiFactory.PublicBaseUrl}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}",
            ["cancel_url"] = $"{ApiFactory.PublicBaseUrl}/checkout/cancel?dues={id}",
            ["client_reference_id"] = id.ToString(),
            ["metadata[payment_id]"] = id.ToString(),
            ["payment_intent_data[metadata][payment_id]"] = id.ToString(),
            ["customer_email"] = member.Email,
            ["locale"] = "ja",
            ["expires_at"] = form["expires_at"],
        };
        Assert.Equal(expected.OrderBy(p => p.Key), form.OrderBy(p => p.Key));

        // Asking again (a second tab, a double tap) meets the same session.
        var again = await (await CheckoutAsync(member, plan)).ReadAsync<DuesCheckout.Response>();
        Assert.Equal((id, checkout.CheckoutUrl), (again.PaymentId, again.CheckoutUrl));
        Assert.Single(api.Stripe.Requests, r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id.ToString()));

        // Stripe delivers the same event five times at once, and a second event for the same session too.
        var eventId = "evt_" + Guid.NewGuid().ToString("N");
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PaidAsync(checkout, eventId: eventId)).Append(PaidAsync(checkout)));
        Assert.All(answers, a => Assert.Equal(200, (int)a.StatusCode));

        var recorded = Assert.Single(await MembershipPaymentsAsync(member.Id));
        Assert.Equal((DuesMethod.Card, (Guid?)id, 8_800, Today, Today, Today.AddMonths(12).AddDays(-1)),
            (recorded.Method, recorded.PaymentId, recorded.AmountYen, recorded.PaidOn, recorded.StartsOn, recorded.EndsOn));
        Assert.Equal(PaymentStatus.Paid, await api.DbAsync(db => db.Payments.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
        var receipt = Assert.Single(await api.DbAsync(db => db.Receipts.Where(r => r.PaymentId == id).ToListAsync()));
        Assert.Equal((ReceiptKind.Sale, 8_800, member.Id), (receipt.Kind, receipt.TotalYen, receipt.PayerId));
        Assert.Contains("正会員 会費", receipt.Items[0].Description);

        var mine = await member.Client.GetAsync<MembershipDues.MyMembershipView>("/api/me/membership");
        Assert.Equal((MembershipStatus.Active, plan, (DateOnly?)recorded.EndsOn), (mine.Status, mine.PlanCode, mine.PaidUntil));
        var mail = await api.MailAsync(member.Email, m => m.Subject == "【Assemble】年会費の入金を確認しました");
        Assert.Contains("/receipts/download?token=", mail.Text);
        Assert.Equal(1, await api.DbAsync(db => db.OutboxEmails.CountAsync(o => o.To == member.Email && o.Subject == "【Assemble】年会費の入金を確認しました")));

        // Stripe's success page says so, naming the plan and nothing personal.
        var page = await api.CreateClient().GetStringAsync($"/checkout/success?session_id={SessionOf(checkout)}");
        Assert.Contains("年会費のお支払いを確認しました", page);
        Assert.DoesNotContain(member.Email, page);
    }

    [Fact]
    public async Task A_payment_reported_days_late_is_dated_the_day_stripe_took_it()
    {
        var plan = await PlanAsync();
        var member = await api.MemberAsync();
        var checkout = await (await CheckoutAsync(member, plan)).ReadAsync<DuesCheckout.Response>();
        // Begun and paid two days ago; Stripe retries an undelivered event for days, each delivery signed afresh, the event keeping its time.
        await api.DbAsync(db => db.Payments.Where(p => p.Id == checkout.PaymentId).ExecuteUpdateAsync(s => s.SetProperty(p => p.CreatedAt, p => p.CreatedAt.AddDays(-2).AddMinutes(-10))));
        var paidAt = DateTimeOffset.UtcNow.AddDays(-2);
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(checkout),
            checkout.PaymentId.ToString(), amount: 8_800, created: paidAt), 200);
        var day = MembershipPayment.DayInJapan(paidAt);
        var recorded = Assert.Single(await MembershipPaymentsAsync(member.Id));
        Assert.Equal((day, day), (recorded.PaidOn, recorded.StartsOn));
        Assert.Equal(day, await api.DbAsync(db => db.Receipts.Where(r => r.PaymentId == checkout.PaymentId).Select(r => r.TransactionOn).SingleAsync()));
    }

    [Fact]
    public async Task The_same_payment_reported_to_two_processes_at_once_records_one_period()
    {
        var plan = await PlanAsync();
        var member = await api.MemberAsync();
        var checkout = await (await CheckoutAsync(member, plan)).ReadAsync<DuesCheckout.Response>();
        await using var second = api.SecondInstance();
        var other = second.CreateClient();
        // Six distinct events reporting the same payment land on both nodes at once.
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed",
            SessionOf(checkout), checkout.PaymentId.ToString(), amount: 8_800, via: i % 2 == 0 ? null : other)));
        Assert.All(answers, a => Assert.Equal(200, (int)a.StatusCode));
        Assert.Single(await MembershipPaymentsAsync(member.Id));
        Assert.Equal(1, await api.DbAsync(db => db.Receipts.CountAsync(r => r.PaymentId == checkout.PaymentId)));
        Assert.Equal(1, await api.DbAsync(db => db.OutboxEmails.CountAsync(o => o.To == member.Email && o.Subject == "【Assemble】年会費の入金を確認しました")));
    }

    [Fact]
    public async Task Five_requests_at_once_on_two_processes_open_one_payment_and_one_session()
    {
        var plan = await PlanAsync();
        var member = await api.MemberAsync();
        await using var second = api.SecondInstance();
        var other = second.CreateClient();
        other.DefaultRequestHeaders.Authorization = member.Client.DefaultRequestHeaders.Authorization;
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => (i % 2 == 0 ? member.Client : other).PostAsJsonAsync("/api/me/membership/checkout", new { planCode = plan })));
        var views = new List<DuesCheckout.Response>();
        foreach (var answer in answers) views.Add(await answer.ReadAsync<DuesCheckout.Response>());
        Assert.Single(views.Select(v => (v.PaymentId, v.CheckoutUrl)).Distinct());
        Assert.Equal(1, await api.DbAsync(db => db.Payments.CountAsync(p => p.MemberId == member.Id)));
        Assert.Single(api.Stripe.Requests.Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(views[0].PaymentId.ToString())).Select(r => (r.IdempotencyKey, r.Body)).Distinct());
    }

    [Fact]
    public async Task A_lost_answer_is_found_again_and_a_hang_answers_503_in_time_and_records_nothing()
    {
        var plan = await PlanAsync();
        var member = await api.MemberAsync();
        api.Stripe.LoseAnswers("/v1/checkout/sessions", 3);
        await Expect.ProblemAsync(await CheckoutAsync(member, plan), 503, "payment.unavailable");
        var retried = await (await CheckoutAsync(member, plan)).ReadAsync<DuesCheckout.Response>();
        var posts = api.Stripe.Requests.Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(retried.PaymentId.ToString())).ToList();
        Assert.Equal(4, posts.Count);
        Assert.Single(posts.Select(p => (p.IdempotencyKey, p.Body)).Distinct());
        Assert.Equal("open", api.Stripe.StatusOf(SessionOf(retried)));

        var hung = await api.MemberAsync();
        api.Stripe.Delay = TimeSpan.FromSeconds(60);
        try
        {
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            var answer = await CheckoutAsync(hung, plan);
            await Expect.ProblemAsync(answer, 503, "payment.unavailable");
            Assert.Equal("10", answer.Headers.RetryAfter?.ToString());
            Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(16));
        }
        finally
        {
            api.Stripe.Delay = null;
        }
        Assert.Empty(await MembershipPaymentsAsync(hung.Id));
        Assert.Equal(MembershipStatus.None, (await hung.Client.GetAsync<MembershipDues.MyMembershipView>("/api/me/membership")).Status);
        var pending = await api.DbAsync(db => db.Payments.SingleAsync(p => p.MemberId == hung.Id));
        Assert.Equal((PaymentStatus.CheckoutOpen, (string?)null), (pending.Status, pending.CheckoutSessionId));
        // Stripe is back: the same request under the same key.
        var later = await (await CheckoutAsync(hung, plan)).ReadAsync<DuesCheckout.Response>();
        Assert.Equal(pending.Id, later.PaymentId);
        Assert.Single(api.Stripe.Requests.Where(r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(pending.Id.ToString())).Select(r => (r.IdempotencyKey, r.Body)).Distinct());
    }

    [Fact]
    public async Task Dues_whose_webhook_never_came_are_recorded_by_asking_stripe_and_an_unpaid_session_records_nothing()
    {
        var plan = await PlanAsync();
        var member = await api.MemberAsync();
        var checkout = await (await CheckoutAsync(member, plan)).ReadAsync<DuesCheckout.Response>();
        // Begun and paid yesterday; the webhook never came.
        await api.DbAsync(db => db.Payments.Where(p => p.Id == checkout.PaymentId).ExecuteUpdateAsync(s => s.SetProperty(p => p.CreatedAt, p => p.CreatedAt.AddDays(-1).AddMinutes(-10))));
        var paidAt = DateTimeOffset.UtcNow.AddDays(-1);
        Assert.True(api.Stripe.MarkPaid(SessionOf(checkout), paidAt));
        // Nobody asks before the session ends (a webhook may still come).
        await api.RunPaymentJobsAsync(checkout.ExpiresAt!.Value.AddMinutes(-5));
        Assert.Equal(PaymentStatus.CheckoutOpen, await api.DbAsync(db => db.Payments.Where(p => p.Id == checkout.PaymentId).Select(p => p.Status).SingleAsync()));
        Assert.True((await api.RunPaymentJobsAsync(checkout.ExpiresAt.Value.AddSeconds(1))).SessionsSettled >= 1);
        var recorded = Assert.Single(await MembershipPaymentsAsync(member.Id));
        // Dated the day the PaymentIntent was made (the buyer confirming), which Stripe tells when asked.
        Assert.Equal((DuesMethod.Card, MembershipPayment.DayInJapan(paidAt)), (recorded.Method, recorded.PaidOn));
        Assert.Equal(recorded.PaidOn, await api.DbAsync(db => db.Receipts.Where(r => r.PaymentId == checkout.PaymentId).Select(r => r.TransactionOn).SingleAsync()));
        Assert.Contains(api.Stripe.Requests, r => r.Method == "GET" && r.Path == $"/v1/checkout/sessions/{SessionOf(checkout)}?{FakeStripe.ExpandIntent}");
        // The webhook arriving after all changes nothing.
        await Expect.StatusAsync(await PaidAsync(checkout), 200);
        Assert.Single(await MembershipPaymentsAsync(member.Id));

        var idle = await api.MemberAsync();
        var unpaid = await (await CheckoutAsync(idle, plan)).ReadAsync<DuesCheckout.Response>();
        await api.RunPaymentJobsAsync(unpaid.ExpiresAt!.Value.AddSeconds(1));
        Assert.Equal("expired", api.Stripe.StatusOf(SessionOf(unpaid)));
        Assert.Equal(PaymentStatus.Expired, await api.DbAsync(db => db.Payments.Where(p => p.Id == unpaid.PaymentId).Select(p => p.Status).SingleAsync()));
        Assert.Empty(await MembershipPaymentsAsync(idle.Id));
        // And the member can start again.
        Assert.NotEqual(unpaid.PaymentId, (await (await CheckoutAsync(idle, plan)).ReadAsync<DuesCheckout.Response>()).PaymentId);
    }

    [Fact]
    public async Task Choosing_another_plan_ends_the_open_session_at_stripe_first()
    {
        var first = await PlanAsync();
        var second = await PlanAsync(price: 5_500);
        var member = await api.MemberAsync();
        var open = await (await CheckoutAsync(member, first)).ReadAsync<DuesCheckout.Response>();
        var other = await (await CheckoutAsync(member, second)).ReadAsync<DuesCheckout.Response>();
        Assert.NotEqual(open.PaymentId, other.PaymentId);
        Assert.Equal((second, 5_500), (other.PlanCode, other.AmountYen));
        Assert.Equal("expired", api.Stripe.StatusOf(SessionOf(open)));
        Assert.Equal(PaymentStatus.Expired, await api.DbAsync(db => db.Payments.Where(p => p.Id == open.PaymentId).Select(p => p.Status).SingleAsync()));
        // Nobody can pay the first any more; the late "completed" for it would be for a session Stripe expired.
        Assert.False(api.Stripe.MarkPaid(SessionOf(open)));

        // A code that names no plan, or a plan the member may not pay, leaves the open session as it was.
        await Expect.ProblemAsync(await CheckoutAsync(member, "no-such-plan"), 400, "membership.checkout_invalid");
        await Expect.ProblemAsync(await CheckoutAsync(member, await PlanAsync(professions: ["psychiatrist"])), 422, "membership.not_eligible");
        Assert.Equal("open", api.Stripe.StatusOf(SessionOf(other)));
        Assert.Equal(other.CheckoutUrl, (await (await CheckoutAsync(member, second)).ReadAsync<DuesCheckout.Response>()).CheckoutUrl);
    }

    [Fact]
    public async Task Switching_plans_after_paying_in_another_tab_never_opens_a_second_checkout()
    {
        var first = await PlanAsync();
        var second = await PlanAsync(price: 5_500);
        var member = await api.MemberAsync();
        var open = await (await CheckoutAsync(member, first)).ReadAsync<DuesCheckout.Response>();
        // Paid at Stripe; the webhook has not come yet.
        Assert.True(api.Stripe.MarkPaid(SessionOf(open)));
        await Expect.ProblemAsync(await CheckoutAsync(member, second), 409, "membership.payment_settled");
        Assert.Equal(1, await api.DbAsync(db => db.Payments.CountAsync(p => p.MemberId == member.Id)));
        Assert.Equal(DuesMethod.Card, Assert.Single(await MembershipPaymentsAsync(member.Id)).Method);
        // And asking again now meets the rule: paid a year ahead.
        await Expect.ProblemAsync(await CheckoutAsync(member, second), 409, "membership.already_paid");
    }

    [Fact]
    public async Task Deleting_the_account_expires_an_open_dues_session_at_stripe()
    {
        var plan = await PlanAsync();
        var member = await api.MemberAsync();
        var open = await (await CheckoutAsync(member, plan)).ReadAsync<DuesCheckout.Response>();
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync("/api/me/account/deletion", new { password = ApiFactory.Password }), 200);
        await api.RunPaymentJobsAsync();
        Assert.Equal("expired", api.Stripe.StatusOf(SessionOf(open)));
        Assert.Equal(PaymentStatus.Expired, await api.DbAsync(db => db.Payments.Where(p => p.Id == open.PaymentId).Select(p => p.Status).SingleAsync()));
    }

    [Fact]
    public async Task Other_money_than_recorded_is_held_for_review_and_records_no_membership()
    {
        var plan = await PlanAsync();
        var member = await api.MemberAsync();
        var checkout = await (await CheckoutAsync(member, plan)).ReadAsync<DuesCheckout.Response>();
        await Expect.StatusAsync(await PaidAsync(checkout, amount: 880), 200);
        Assert.Equal(PaymentStatus.NeedsReview, await api.DbAsync(db => db.Payments.Where(p => p.Id == checkout.PaymentId).Select(p => p.Status).SingleAsync()));
        Assert.Empty(await MembershipPaymentsAsync(member.Id));
        var problem = await api.DbAsync(db => db.PaymentProblems.SingleAsync(p => p.PaymentId == checkout.PaymentId));
        Assert.Equal(PaymentProblemKind.AmountMismatch, problem.Kind);
        Assert.Contains("no membership recorded", problem.Detail);
    }

    [Fact]
    public async Task Bad_requests_get_clear_answers_and_start_nothing()
    {
        var member = await api.MemberAsync();
        await Expect.ProblemAsync(await CheckoutAsync(member, null), 400, "membership.checkout_invalid");
        await Expect.ProblemAsync(await CheckoutAsync(member, "no-such-plan"), 400, "membership.checkout_invalid");
        await Expect.ProblemAsync(await CheckoutAsync(member, await PlanAsync(offered: false)), 422, "membership.plan_not_offered");
        await Expect.ProblemAsync(await CheckoutAsync(member, await PlanAsync(price: 0)), 422, "membership.no_dues");
        await Expect.ProblemAsync(await CheckoutAsync(member, await PlanAsync(professions: ["clinicalPsychologist"])), 422, "membership.not_eligible");
        var anonymous = await api.CreateClient().PostAsJsonAsync("/api/me/membership/checkout", new { planCode = "regular" });
        Assert.Equal(401, (int)anonymous.StatusCode);
        Assert.Equal(0, await api.DbAsync(db => db.Payments.CountAsync(p => p.MemberId == member.Id)));

        // Paid well ahead already (a year from today): renewal opens 90 days before the end.
        var plan = await PlanAsync();
        var ahead = await api.MemberAsync();
        var admin = await api.AdminAsync();
        await Expect.StatusAsync(await admin.Client.PostAsJsonAsync($"/api/admin/members/{ahead.Id}/membership/payments", new { planCode = plan, paidOn = Today, amountYen = 8_800 }), 201);
        await Expect.ProblemAsync(await CheckoutAsync(ahead, plan), 409, "membership.already_paid");
        // Within the window it opens.
        var ending = await api.MemberAsync();
        await Expect.StatusAsync(await admin.Client.PostAsJsonAsync($"/api/admin/members/{ending.Id}/membership/payments", new { planCode = plan, paidOn = Today.AddMonths(-11), amountYen = 8_800 }), 201);
        await Expect.StatusAsync(await CheckoutAsync(ending, plan), 200);

        // A konbini payment under way: the member pays that one.
        var konbini = await api.MemberAsync();
        var open = await (await CheckoutAsync(konbini, plan)).ReadAsync<DuesCheckout.Response>();
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", SessionOf(open), open.PaymentId.ToString(),
            paymentStatus: "unpaid", amount: 8_800), 200);
        await Expect.ProblemAsync(await CheckoutAsync(konbini, plan), 409, "membership.payment_pending");
    }
}

/// <summary>Dues paid by card, given back by an admin through the fake Stripe.</summary>
public sealed class DuesRefundTests(PaymentsFactory api) : IClassFixture<PaymentsFactory>
{
    private async Task<(TestMember Member, TestMember Admin, Guid PaymentId, Guid MembershipPaymentId)> PaidDuesAsync(int price)
    {
        var admin = await api.AdminAsync();
        var code = "dues-" + Guid.NewGuid().ToString("N")[..8];
        await admin.Client.PutAsync<MembershipPlans.MembershipPlanView>($"/api/admin/membership/plans/{code}",
            new { name = "正会員", priceYen = price, professions = Array.Empty<string>(), validity = "twelveMonths", tax = "standard", offered = true }, 201);
        var member = await api.MemberAsync();
        var checkout = await (await member.Client.PostAsJsonAsync("/api/me/membership/checkout", new { planCode = code })).ReadAsync<DuesCheckout.Response>();
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", checkout.CheckoutUrl!.Split('/')[^1],
            checkout.PaymentId.ToString(), amount: price), 200);
        var recorded = await api.DbAsync(db => db.MembershipPayments.SingleAsync(p => p.PaymentId == checkout.PaymentId));
        return (member, admin, checkout.PaymentId, recorded.Id);
    }

    private Task<long> RegistrantVersionAsync(Guid memberId)
        => api.DbAsync(db => db.Database.SqlQuery<long>($"SELECT registrant_version AS \"Value\" FROM users WHERE id = {memberId}").SingleAsync());

    [Fact]
    public async Task A_full_refund_ends_the_membership_at_once_and_its_settlement_issues_a_return_invoice_and_tells_the_member()
    {
        var (member, admin, paymentId, id) = await PaidDuesAsync(12_000);
        Assert.Equal(MembershipStatus.Active, (await member.Client.GetAsync<MembershipDues.MyMembershipView>("/api/me/membership")).Status);
        var version = await RegistrantVersionAsync(member.Id);

        var answer = await admin.Client.PostAsJsonAsync($"/api/admin/membership/payments/{id}/refunds", new { });
        var refunded = await answer.ReadAsync<DuesRefunds.Response>(201);
        Assert.Equal((12_000, 0, true), (refunded.AmountYen, refunded.RefundableYenLeft, refunded.MembershipEnded));
        // Where the treasurer sees it: the member's membership, the refunded payment marked.
        var seen = await admin.Client.GetAsync<MembershipDues.MyMembershipView>(answer.Headers.Location!.ToString());
        Assert.Equal((MembershipStatus.None, id), (seen.Status, Assert.Single(seen.Payments, p => p.VoidedAt is not null).Id));
        // The member no longer counts as one anywhere, and copies of them kept for registrations go stale.
        var mine = await member.Client.GetAsync<MembershipDues.MyMembershipView>("/api/me/membership");
        Assert.Equal(MembershipStatus.None, mine.Status);
        Assert.NotNull(Assert.Single(mine.Payments).VoidedAt);
        Assert.True(await RegistrantVersionAsync(member.Id) > version);
        Assert.Equal(1, await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "membership.dues_refunded" && a.SubjectId == member.Id)));
        await api.MailAsync(member.Email, m => m.Subject == "【Assemble】年会費の返金を開始しました" && m.Text.Contains("会員期間"));

        // The refund job sends it to Stripe; the money goes back once, and the return invoice is issued and mailed.
        await api.RunPaymentJobsAsync();
        var refund = await api.DbAsync(db => db.Refunds.SingleAsync(r => r.PaymentId == paymentId));
        Assert.Equal((RefundStatus.Succeeded, RefundReason.DuesRefund, (Guid?)null), (refund.Status, refund.Reason, refund.EventId));
        var intent = await api.DbAsync(db => db.Payments.Where(p => p.Id == paymentId).Select(p => p.PaymentIntentId).SingleAsync());
        Assert.Equal(intent, api.Stripe.RefundIntent(refund.StripeRefundId!));
        var returned = await api.DbAsync(db => db.Receipts.SingleAsync(r => r.PaymentId == paymentId && r.Kind == ReceiptKind.Return));
        Assert.Equal((refund.Id, 12_000), (returned.RefundId!.Value, returned.TotalYen));
        var done = await api.MailAsync(member.Email, m => m.Subject == "【Assemble】年会費の返金が完了しました");
        Assert.Contains("/receipts/download?token=", done.Text);
        // A second run changes nothing.
        await api.RunPaymentJobsAsync();
        Assert.Single(api.Stripe.RefundsMade, r => api.Stripe.RefundIntent(r) == intent);
        Assert.Equal(1, await api.DbAsync(db => db.Receipts.CountAsync(r => r.PaymentId == paymentId && r.Kind == ReceiptKind.Return)));

        // And the member may join again.
        var plan = await api.DbAsync(db => db.Payments.Where(p => p.Id == paymentId).Select(p => p.PlanCode).SingleAsync());
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync("/api/me/membership/checkout", new { planCode = plan }), 200);
    }

    [Fact]
    public async Task A_refund_stripe_refuses_gives_the_membership_back_and_tells_the_member()
    {
        var (member, admin, paymentId, id) = await PaidDuesAsync(6_600);
        var refunded = await (await admin.Client.PostAsJsonAsync($"/api/admin/membership/payments/{id}/refunds", new { })).ReadAsync<DuesRefunds.Response>(201);
        Assert.True(refunded.MembershipEnded);
        Assert.Equal(MembershipStatus.None, (await member.Client.GetAsync<MembershipDues.MyMembershipView>("/api/me/membership")).Status);
        // Stripe refuses it for good (a 400 about the request): the yen can be refunded again, and the membership holds.
        api.Stripe.Failures.Enqueue(400);
        await api.RunPaymentJobsAsync();
        Assert.Equal(RefundStatus.Failed, await api.DbAsync(db => db.Refunds.Where(r => r.Id == refunded.RefundId).Select(r => r.Status).SingleAsync()));
        Assert.Equal(MembershipStatus.Active, (await member.Client.GetAsync<MembershipDues.MyMembershipView>("/api/me/membership")).Status);
        await api.MailAsync(member.Email, m => m.Subject == "【Assemble】年会費の返金ができませんでした" && m.Text.Contains("継続"));
        // Asked again, it ends the membership again.
        var again = await (await admin.Client.PostAsJsonAsync($"/api/admin/membership/payments/{id}/refunds", new { })).ReadAsync<DuesRefunds.Response>(201);
        Assert.Equal((6_600, true), (again.AmountYen, again.MembershipEnded));
        Assert.Equal(paymentId, await api.DbAsync(db => db.Refunds.Where(r => r.Id == again.RefundId).Select(r => r.PaymentId).SingleAsync()));
    }

    [Fact]
    public async Task A_refund_failed_by_webhook_after_the_member_paid_again_restores_the_period_and_flags_the_overlap()
    {
        var (member, admin, paymentId, id) = await PaidDuesAsync(12_000);
        var refunded = await (await admin.Client.PostAsJsonAsync($"/api/admin/membership/payments/{id}/refunds", new { })).ReadAsync<DuesRefunds.Response>(201);
        // No longer a member, she pays again at once.
        var plan = await api.DbAsync(db => db.Payments.Where(p => p.Id == paymentId).Select(p => p.PlanCode).SingleAsync());
        var again = await (await member.Client.PostAsJsonAsync("/api/me/membership/checkout", new { planCode = plan })).ReadAsync<DuesCheckout.Response>();
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", again.CheckoutUrl!.Split('/')[^1],
            again.PaymentId.ToString(), amount: 12_000), 200);
        // Stripe reports the first refund failed (the card was closed), before our job heard back from it.
        var intent = await api.DbAsync(db => db.Payments.Where(p => p.Id == paymentId).Select(p => p.PaymentIntentId).SingleAsync());
        await Expect.StatusAsync(await api.DeliverRawAsync("refund.failed", new
        {
            id = "re_" + Guid.NewGuid().ToString("N"), @object = "refund", status = "failed", failure_reason = "expired_or_canceled_card", amount = 12_000, currency = "jpy",
            payment_intent = intent, metadata = new Dictionary<string, string> { ["refund_id"] = refunded.RefundId.ToString() },
        }), 200);

        Assert.Equal(RefundStatus.Failed, await api.DbAsync(db => db.Refunds.Where(r => r.Id == refunded.RefundId).Select(r => r.Status).SingleAsync()));
        Assert.Null(await api.DbAsync(db => db.MembershipPayments.IgnoreQueryFilters().Where(p => p.Id == id).Select(p => p.VoidedAt).SingleAsync()));
        Assert.Equal(1, await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "membership.dues_restored" && a.SubjectId == member.Id)));
        Assert.Equal(PaymentProblemKind.MembershipOverlap, await api.DbAsync(db => db.PaymentProblems.Where(p => p.PaymentId == paymentId).Select(p => p.Kind).SingleAsync()));
        await api.MailAsync(member.Email, m => m.Subject == "【Assemble】年会費の返金ができませんでした");
        // The failed refund is never sent; its yen may be refunded again.
        await api.RunPaymentJobsAsync();
        Assert.DoesNotContain(api.Stripe.RefundsMade, r => api.Stripe.RefundIntent(r) == intent);
    }

    [Fact]
    public async Task A_part_refund_keeps_the_membership_and_nothing_beyond_what_was_paid_is_given_back()
    {
        var (member, admin, paymentId, id) = await PaidDuesAsync(8_800);
        var part = await (await admin.Client.PostAsJsonAsync($"/api/admin/membership/payments/{id}/refunds", new { amountYen = 800 })).ReadAsync<DuesRefunds.Response>(201);
        Assert.Equal((800, 8_000, false), (part.AmountYen, part.RefundableYenLeft, part.MembershipEnded));
        Assert.Equal(MembershipStatus.Active, (await member.Client.GetAsync<MembershipDues.MyMembershipView>("/api/me/membership")).Status);
        await Expect.ProblemAsync(await admin.Client.PostAsJsonAsync($"/api/admin/membership/payments/{id}/refunds", new { amountYen = 8_001 }), 422, "payment.refund_too_large");
        // Under the threshold: no return invoice, and the member is still told.
        await api.RunPaymentJobsAsync();
        Assert.Equal(0, await api.DbAsync(db => db.Receipts.CountAsync(r => r.PaymentId == paymentId && r.Kind == ReceiptKind.Return)));
        var done = await api.MailAsync(member.Email, m => m.Subject == "【Assemble】年会費の返金が完了しました");
        Assert.DoesNotContain("/receipts/download", done.Text);
    }

    [Fact]
    public async Task Only_admins_refund_dues_and_only_those_paid_by_card()
    {
        var (member, admin, _, id) = await PaidDuesAsync(5_500);
        Assert.Equal(403, (int)(await member.Client.PostAsJsonAsync($"/api/admin/membership/payments/{id}/refunds", new { })).StatusCode);
        // Nor does anyone but an admin read a member's membership.
        Assert.Equal(403, (int)(await (await api.MemberAsync()).Client.GetAsync($"/api/admin/members/{member.Id}/membership")).StatusCode);
        await Expect.ProblemAsync(await admin.Client.GetAsync($"/api/admin/members/{Guid.NewGuid()}/membership"), 404, "member.not_found");
        Assert.Equal(401, (int)(await api.CreateClient().PostAsJsonAsync($"/api/admin/membership/payments/{id}/refunds", new { })).StatusCode);
        await Expect.ProblemAsync(await admin.Client.PostAsJsonAsync($"/api/admin/membership/payments/{Guid.NewGuid()}/refunds", new { }), 404, "membership.payment_not_found");

        var plan = await api.DbAsync(db => db.MembershipPayments.Where(p => p.Id == id).Select(p => p.PlanCode).SingleAsync());
        var other = await api.MemberAsync();
        var transfer = await (await admin.Client.PostAsJsonAsync($"/api/admin/members/{other.Id}/membership/payments",
            new { planCode = plan, paidOn = MembershipPayment.DayInJapan(DateTimeOffset.UtcNow), amountYen = 5_500 })).ReadAsync<MembershipDues.MembershipPaymentView>(201);
        await Expect.ProblemAsync(await admin.Client.PostAsJsonAsync($"/api/admin/membership/payments/{transfer.Id}/refunds", new { }), 422, "membership.refund_not_by_card");
        // Nothing changed for either: both still members, nothing voided, nothing audited.
        Assert.All(await api.DbAsync(db => db.MembershipPayments.IgnoreQueryFilters().Where(p => p.Id == id || p.Id == transfer.Id).ToListAsync()), p => Assert.Null(p.VoidedAt));
        Assert.Equal(0, await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "membership.dues_refunded" && (a.SubjectId == member.Id || a.SubjectId == other.Id))));
    }
}
