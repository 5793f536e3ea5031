using Assemble.Domain.Payments;
using System.Collections.Concurrent;
using Assemble.Infrastructure.Email;

namespace Assemble.Infrastructure.Payments;

/// <summary>
/// Stands in for Stripe when no key is configured (development and the demo; refused in Production): sessions
/// live in this process's memory and their checkout URL is the API's own /dev/checkout/{id} page, whose "pay"
/// button sends a correctly signed webhook to the real webhook endpoint. The URL is absolute on the public address,
/// like Stripe's: it goes into mail, API answers and 303 redirects, where a relative one would lead nowhere.
/// </summary>
public sealed class SimulatedCheckoutGateway(TimeProvider time, PublicLinks links) : IPaymentGateway
{
    private readonly ConcurrentDictionary<string, (CheckoutTerms Request, CheckoutSession Session)> _sessions = new();
    private readonly ConcurrentDictionary<string, string> _byKey = new();

    public Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutReference reference, CheckoutTerms request, string idempotencyKey, CancellationToken cancellationToken)
    {
        var id = _byKey.GetOrAdd(idempotencyKey, _ => "cs_sim_" + Guid.NewGuid().ToString("N"));
        var entry = _sessions.GetOrAdd(id, _ => (request, new CheckoutSession(id, links.To($"/dev/checkout/{id}"), "open", "unpaid", null,
            (long)request.UnitAmountYen * request.Quantity, Payment.Currency, reference.Id.ToString())));
        return Task.FromResult(entry.Session);
    }

    public Task<CheckoutSession> GetCheckoutSessionAsync(string sessionId, CancellationToken cancellationToken)
        => _sessions.TryGetValue(sessionId, out var entry)
            ? Task.FromResult(entry.Request.ExpiresAt <= time.GetUtcNow() && entry.Session.Status == "open" ? entry.Session with { Status = "expired" } : entry.Session)
            : throw new PaymentGatewayException("No such checkout session.", 404, "invalid_request_error", "resource_missing", "id", null);

    public Task<CheckoutSession> ExpireCheckoutSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (Find(sessionId) is not { } found) throw new PaymentGatewayException("No such checkout session.", 404, "invalid_request_error", "resource_missing", "id", null);
        if (found.Session.Status != "open") throw new PaymentGatewayException("Only open sessions can be expired.", 400, "invalid_request_error", null, null, null);
        return Task.FromResult(Complete(sessionId, "expired", "unpaid"));
    }

    private readonly ConcurrentDictionary<string, GatewayRefund> _refunds = new();

    public Task<GatewayRefund> CreateRefundAsync(string paymentIntentId, long amountYen, Guid refundId, string idempotencyKey, CancellationToken cancellationToken)
        => Task.FromResult(_refunds.GetOrAdd(idempotencyKey, _ => new GatewayRefund("re_sim_" + Guid.NewGuid().ToString("N"), "succeeded", amountYen, paymentIntentId, null, refundId)));

    public Task<IReadOnlyList<GatewayRefund>> ListRefundsAsync(string paymentIntentId, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<GatewayRefund>>(_refunds.Values.Where(r => r.PaymentIntentId == paymentIntentId).ToList());

    /// <summary>What the simulated page shows and what its buttons turn the session into.</summary>
    public (CheckoutTerms Request, CheckoutSession Session)? Find(string sessionId) => _sessions.TryGetValue(sessionId, out var entry) ? entry : null;

    public CheckoutSession Complete(string sessionId, string status, string paymentStatus)
    {
        var (request, session) = _sessions[sessionId];
        var done = session with { Status = status, PaymentStatus = paymentStatus, PaymentIntentId = paymentStatus == "paid" ? "pi_sim_" + sessionId[7..] : null };
        _sessions[sessionId] = (request, done);
        return done;
    }
}
