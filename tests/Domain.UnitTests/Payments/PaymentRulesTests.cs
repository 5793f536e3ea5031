using Assemble.Domain.Payments;
using Xunit;

namespace Assemble.Domain.UnitTests.Payments;

public sealed class PaymentRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private static Payment Paid(int amount = 3000)
    {
        var payment = Payment.Start(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), amount, Now);
        payment.AttachSession("cs_test_1", "https://checkout.stripe.test/c/pay/cs_test_1", Now.AddMinutes(31));
        Assert.True(payment.MarkPaid("pi_1", Now));
        return payment;
    }

    private static CheckoutTerms Terms(Payment p, DateTimeOffset holdEnds, DateTimeOffset now)
        => p.TermsFor("勉強会（一般）", 1, "a@example.jp", "ja", holdEnds, "https://assemble.test/s", "https://assemble.test/c", now);

    [Fact]
    public void Terms_are_fixed_at_the_first_attempt_and_charge_the_payments_own_amount()
    {
        var payment = Payment.Start(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 6000, Now);
        var first = payment.TermsFor("勉強会（一般）", 2, "a@example.jp", "ja", Now.AddMinutes(10), "https://assemble.test/s", "https://assemble.test/c", Now);
        Assert.Equal((3000, 2, Now + Payment.MinimumSession), (first.UnitAmountYen, first.Quantity, first.ExpiresAt));
        // Ten minutes later, with another hold: the very same terms.
        Assert.Same(first, Terms(payment, Now.AddHours(2), Now.AddMinutes(10)));
    }

    [Fact]
    public void A_new_key_and_new_terms_only_while_no_session_exists()
    {
        var payment = Payment.Start(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 3000, Now);
        var key = payment.CheckoutIdempotencyKey;
        Terms(payment, Now, Now);
        payment.RetireCheckoutKey();
        Assert.Equal(key + "-2", payment.CheckoutIdempotencyKey);
        Assert.Null(payment.CheckoutTerms);
        payment.AttachSession("cs_1", null, Now.AddMinutes(31));
        Assert.Throws<InvalidOperationException>(payment.RetireCheckoutKey);
    }

    [Fact]
    public void An_attached_session_keeps_its_hold_and_forgets_the_email()
    {
        var payment = Payment.Start(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 3000, Now);
        Terms(payment, Now, Now);
        Assert.False(payment.KeepsHold); // no session: nobody can pay, the hold ends on time
        payment.AttachSession("cs_1", null, Now.AddMinutes(31));
        Assert.True(payment.KeepsHold);
        Assert.Null(payment.CheckoutTerms!.CustomerEmail);
        Assert.Equal(Now.AddMinutes(31), payment.NextCheckAt);
        Assert.True(payment.MarkUnpaid(PaymentStatus.Expired));
        Assert.False(payment.KeepsHold);
        Assert.Null(payment.NextCheckAt);
    }

    [Theory]
    [InlineData(3000L, "jpy", true)]
    [InlineData(3000L, "JPY", true)]
    [InlineData(300L, "jpy", false)]
    [InlineData(3000L, "usd", false)]
    [InlineData(null, "jpy", false)]
    [InlineData(3000L, null, false)]
    public void Only_the_recorded_yen_match(long? amount, string? currency, bool matches)
        => Assert.Equal(matches, Payment.Start(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 3000, Now).Matches(amount, currency));

    [Fact]
    public void A_payment_under_review_is_never_confirmed_and_keeps_its_seat()
    {
        var payment = Payment.Start(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 3000, Now);
        payment.AttachSession("cs_1", null, Now.AddMinutes(31));
        Assert.True(payment.MarkNeedsReview("pi_1"));
        Assert.False(payment.MarkPaid("pi_1", Now));
        Assert.True(payment.KeepsHold);
    }

    [Fact]
    public void Checks_back_off_to_an_hour()
    {
        var payment = Paid();
        var delays = Enumerable.Range(0, 12).Select(_ => { payment.CheckAgainLater(Now); return payment.NextCheckAt!.Value - Now; }).ToList();
        Assert.Equal(TimeSpan.FromSeconds(30), delays[0]);
        Assert.Equal(TimeSpan.FromSeconds(60), delays[1]);
        Assert.Equal(TimeSpan.FromHours(1), delays[^1]);
    }

    [Fact]
    public void A_refund_whose_answer_was_lost_stays_promised_until_stripe_says_otherwise()
    {
        var payment = Paid();
        var refund = payment.RequestRefund(3000, RefundReason.OrganizerRefund, Now).Value!;
        var key = refund.IdempotencyKey;
        refund.AnswerLost("no answer: timed out", Now);
        Assert.Equal(RefundStatus.Unknown, refund.Status);
        Assert.True(refund.IsUnsettled);
        Assert.Equal(Now.AddSeconds(30), refund.NextAttemptAt);
        Assert.Equal(0, payment.RefundableYen);
        Assert.Equal(PaymentErrors.RefundTooLarge(0).Code, payment.RequestRefund(1, RefundReason.OrganizerRefund, Now).Error!.Code);
        Assert.Throws<InvalidOperationException>(() => payment.RefundFailed(refund)); // unknown is not failed

        refund.NotFoundAtStripe(Now);
        Assert.Equal(RefundStatus.Requested, refund.Status);
        Assert.Equal(key, refund.IdempotencyKey);
        refund.Sent("re_1", "pending", null, Now);
        Assert.Equal(RefundStatus.Pending, refund.Status);
        Assert.True(refund.Apply("succeeded", null, Now));
        Assert.False(refund.Apply("failed", "declined", Now)); // only forward
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_failed_refund_always_says_why(string? reason)
    {
        var payment = Paid();
        var refused = payment.RequestRefund(1000, RefundReason.OrganizerRefund, Now).Value!;
        refused.Refused(reason, Now);
        Assert.Equal(RefundStatus.Failed, refused.Status);
        Assert.False(string.IsNullOrWhiteSpace(refused.FailureReason));
        payment.RefundFailed(refused);
        Assert.Equal(3000, payment.RefundableYen);

        var reported = payment.RequestRefund(1000, RefundReason.OrganizerRefund, Now).Value!;
        reported.Sent("re_2", "pending", null, Now);
        Assert.True(reported.Apply("failed", reason, Now));
        Assert.False(string.IsNullOrWhiteSpace(reported.FailureReason));
    }

    [Fact]
    public void Dues_have_their_own_key_and_reference_and_raise_no_event_notices_on_refund()
    {
        var member = Guid.NewGuid();
        var dues = Payment.StartDues(member, "regular", 8_800, Now);
        Assert.Equal((PaymentPurpose.Dues, (Guid?)null, (Guid?)null, "regular", dues.Id), (dues.Purpose, dues.RegistrationId, dues.EventId, dues.PlanCode, dues.Reference));
        Assert.Equal($"dues-{dues.Id:N}", dues.CheckoutIdempotencyKey);
        dues.RetireCheckoutKey();
        Assert.Equal($"dues-{dues.Id:N}-2", dues.CheckoutIdempotencyKey);
        Assert.Throws<ArgumentOutOfRangeException>(() => Payment.StartDues(member, "student", 0, Now));

        dues.AttachSession("cs_test_dues", null, Now.AddHours(1));
        Assert.True(dues.MarkPaid("pi_dues", Now));
        var refund = dues.RequestRefund(8_800, RefundReason.DuesRefund, Now);
        Assert.True(refund.IsSuccess);
        Assert.Equal(((Guid?)null, (Guid?)null), (refund.Value!.RegistrationId, refund.Value.EventId));
        Assert.Empty(dues.DomainEvents);

        var ticket = Payment.Start(Guid.NewGuid(), Guid.NewGuid(), member, 3_000, Now);
        Assert.Equal((PaymentPurpose.Ticket, ticket.RegistrationId!.Value), (ticket.Purpose, ticket.Reference));
        // Paid at Stripe's time, never before the payment began (clocks differ).
        Assert.True(ticket.MarkPaid("pi_early", Now.AddMinutes(-3)));
        Assert.Equal(Now, ticket.PaidAt);
        var later = Payment.Start(Guid.NewGuid(), Guid.NewGuid(), member, 3_000, Now);
        later.MarkPaid("pi_later", Now.AddMinutes(7));
        Assert.Equal(Now.AddMinutes(7), later.PaidAt);
    }
}
