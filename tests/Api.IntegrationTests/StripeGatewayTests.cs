using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Infrastructure.Payments;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>Stripe.net's client as we build it, against the fake Stripe (or none): how its calls fail.</summary>
public sealed class StripeGatewayTests
{
    private static StripePaymentGateway Gateway(string baseUrl, TimeSpan timeout)
    {
        var options = new StripeOptions { ApiKey = FakeStripe.ApiKey, BaseUrl = baseUrl, Timeout = timeout };
        return new StripePaymentGateway(StripePaymentGateway.CreateClient(options), Options.Create(options), NullLogger<StripePaymentGateway>.Instance);
    }

    private static Assemble.Domain.Payments.CheckoutTerms Request() => new("勉強会（一般）", 3000, 1, "buyer@example.test", "ja",
        DateTimeOffset.UtcNow.AddMinutes(31), "https://assemble.test/checkout/success", "https://assemble.test/checkout/cancel");

    [Fact]
    public async Task A_stripe_that_hangs_fails_after_three_timed_out_attempts_with_one_key()
    {
        await using var stripe = await FakeStripe.StartAsync();
        stripe.Delay = TimeSpan.FromSeconds(60);
        var stopwatch = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<PaymentGatewayException>(() => Gateway(stripe.BaseUrl, TimeSpan.FromMilliseconds(500))
            .CreateCheckoutSessionAsync(new CheckoutReference(Guid.NewGuid(), "registration_id"), Request(), "checkout-hang", CancellationToken.None));
        // 3 × 0.5 s and Stripe.net's backoff (0.5 s, then 0.75–1 s): nowhere near the fake's minute.
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
        Assert.Null(failure.Status);
        Assert.Equal(3, stripe.Requests.Count);
        Assert.All(stripe.Requests, r => Assert.Equal("checkout-hang", r.IdempotencyKey));
    }

    [Fact]
    public async Task A_stripe_that_is_down_fails_cleanly()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now: every connection is refused
        var stopwatch = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<PaymentGatewayException>(() => Gateway($"http://127.0.0.1:{port}", TimeSpan.FromSeconds(10))
            .CreateRefundAsync("pi_1", 1000, Guid.NewGuid(), "refund-down", CancellationToken.None));
        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Null(failure.Status);
        Assert.IsType<HttpRequestException>(failure.InnerException);
    }

    [Fact]
    public async Task A_stripe_error_carries_its_status_type_and_request_id_and_is_not_retried()
    {
        await using var stripe = await FakeStripe.StartAsync();
        stripe.Failures.Enqueue(400);
        var failure = await Assert.ThrowsAsync<PaymentGatewayException>(() => Gateway(stripe.BaseUrl, TimeSpan.FromSeconds(10))
            .CreateCheckoutSessionAsync(new CheckoutReference(Guid.NewGuid(), "registration_id"), Request(), "checkout-400", CancellationToken.None));
        Assert.Equal(400, failure.Status);
        Assert.Equal("invalid_request_error", failure.Type);
        Assert.StartsWith("req_", failure.RequestId);
        Assert.Single(stripe.Requests);
    }

    [Fact]
    public async Task Sessions_and_refunds_come_back_typed_from_the_fake()
    {
        await using var stripe = await FakeStripe.StartAsync();
        var gateway = Gateway(stripe.BaseUrl, TimeSpan.FromSeconds(10));
        var request = Request();
        var registrationId = Guid.NewGuid();
        var session = await gateway.CreateCheckoutSessionAsync(new CheckoutReference(registrationId, "registration_id"), request, "checkout-typed", CancellationToken.None);
        Assert.StartsWith("cs_test_", session.Id);
        Assert.Equal(("open", "unpaid", 3000L, "jpy", registrationId.ToString()), (session.Status, session.PaymentStatus, session.AmountTotal!.Value, session.Currency, session.ClientReferenceId));
        Assert.Equal(session, await gateway.CreateCheckoutSessionAsync(new CheckoutReference(registrationId, "registration_id"), request, "checkout-typed", CancellationToken.None));
        // The same key with other parameters is refused, as Stripe does.
        var reused = await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.CreateCheckoutSessionAsync(new CheckoutReference(registrationId, "registration_id"), request with { ExpiresAt = request.ExpiresAt.AddMinutes(1) }, "checkout-typed", CancellationToken.None));
        Assert.Equal(("idempotency_error", 400), (reused.Type, reused.Status));

        Assert.True(stripe.MarkPaid(session.Id));
        var paid = await gateway.GetCheckoutSessionAsync(session.Id, CancellationToken.None);
        Assert.Equal(("complete", "paid", "pi_" + session.Id[8..]), (paid.Status, paid.PaymentStatus, paid.PaymentIntentId));
        Assert.Null(stripe.Requests.Single(r => r.Method == "GET").IdempotencyKey);

        var refundId = Guid.NewGuid();
        var refund = await gateway.CreateRefundAsync(paid.PaymentIntentId!, 1200, refundId, "refund-typed", CancellationToken.None);
        Assert.Equal(("succeeded", 1200L, paid.PaymentIntentId, (Guid?)refundId), (refund.Status, refund.Amount, refund.PaymentIntentId, refund.RefundId));
        var sent = FakeStripe.Form(stripe.Requests.Single(r => r.Path == "/v1/refunds").Body);
        Assert.Equal(("requested_by_customer", refundId.ToString()), (sent["reason"], sent["metadata[refund_id]"]));
        Assert.Equal([refund], await gateway.ListRefundsAsync(paid.PaymentIntentId!, CancellationToken.None));
        Assert.Empty(await gateway.ListRefundsAsync("pi_other", CancellationToken.None));

        // An open session can be expired, and then nobody can pay it; a completed one cannot be expired.
        var other = await gateway.CreateCheckoutSessionAsync(new CheckoutReference(Guid.NewGuid(), "registration_id"), Request(), "checkout-expire", CancellationToken.None);
        Assert.Equal("expired", (await gateway.ExpireCheckoutSessionAsync(other.Id, CancellationToken.None)).Status);
        Assert.False(stripe.MarkPaid(other.Id));
        Assert.Equal(400, (await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.ExpireCheckoutSessionAsync(session.Id, CancellationToken.None))).Status);
    }
}
