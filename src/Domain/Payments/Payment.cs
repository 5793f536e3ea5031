using System.Linq.Expressions;
using Assemble.Domain.Common;
using Assemble.Domain.Events;

namespace Assemble.Domain.Payments;

public enum PaymentStatus
{
    /// <summary>A Checkout Session is being created or is open.</summary>
    CheckoutOpen,
    /// <summary>The buyer finished Checkout with a delayed method (e.g. Konbini); the money has not arrived.</summary>
    AwaitingAsyncPayment,
    Paid,
    Expired,
    Failed,
    /// <summary>Stripe reported an amount or currency other than the one recorded: nothing is confirmed until a person looks.</summary>
    NeedsReview,
}

/// <summary>
/// What one Checkout Session is created with, fixed before its first attempt and stored, so a retry under the same
/// idempotency key sends exactly the same request (Stripe refuses a key reused with other parameters).
/// </summary>
public sealed record CheckoutTerms(
    string ProductName,
    int UnitAmountYen,
    int Quantity,
    string? CustomerEmail,
    string Locale,
    DateTimeOffset ExpiresAt,
    string SuccessUrl,
    string CancelUrl);

/// <summary>What a payment buys: a paid registration's seats, or a year of membership dues.</summary>
public enum PaymentPurpose { Ticket, Dues }

/// <summary>
/// One payment through Stripe Checkout, for a paid registration (its amount fixed when the seat was held) or for
/// membership dues (the plan's price when the member chose it): one Checkout Session at a time under an idempotency
/// key stored before the first attempt. Moves only forward: a late "expired" never undoes "paid".
/// </summary>
public sealed class Payment : AggregateRoot
{
    public const string Currency = "jpy";

    /// <summary>The least Stripe charges in JPY: a paid ticket or a plan's dues costs at least this.</summary>
    public const int MinimumYen = 50;

    /// <summary>Checkout's minimum lifetime is 30 minutes; one more keeps a margin for clock differences.</summary>
    public static readonly TimeSpan MinimumSession = TimeSpan.FromMinutes(31);

    private Payment() { }

    public Guid Id { get; private set; }
    public PaymentPurpose Purpose { get; private set; }
    /// <summary>The registration a ticket payment is for (null for dues).</summary>
    public Guid? RegistrationId { get; private set; }
    /// <summary>The event of a ticket payment (null for dues).</summary>
    public Guid? EventId { get; private set; }
    /// <summary>The membership plan dues are paid for (null for a ticket).</summary>
    public string? PlanCode { get; private set; }
    public Guid MemberId { get; private set; }
    /// <summary>Whole yen, fixed at the start: what Checkout charges, whatever the ticket or the plan costs later.</summary>
    public int AmountYen { get; private set; }
    public PaymentStatus Status { get; private set; }
    /// <summary>1 for the first session; a new attempt (new key, new terms) only when no session can exist under the old key.</summary>
    public int CheckoutAttempt { get; private set; } = 1;
    public string CheckoutIdempotencyKey { get; private set; } = "";
    public CheckoutTerms? CheckoutTerms { get; private set; }
    public string? CheckoutSessionId { get; private set; }
    public string? CheckoutUrl { get; private set; }
    public DateTimeOffset? CheckoutExpiresAt { get; private set; }
    public string? PaymentIntentId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? PaidAt { get; private set; }
    /// <summary>Set when the money came but no seat could be given (a late payment after the hold expired and the event filled).</summary>
    public bool RefundDue { get; private set; }
    /// <summary>The registration ended while the session was open: the session is to be expired at Stripe.</summary>
    public DateTimeOffset? SessionEndRequestedAt { get; private set; }
    /// <summary>When reconciliation next asks Stripe about the session (null: nothing to ask).</summary>
    public DateTimeOffset? NextCheckAt { get; private set; }
    /// <summary>Questions asked without a settling answer, for the back-off.</summary>
    public int Checks { get; private set; }

    public static Payment Start(Guid registrationId, Guid eventId, Guid memberId, int amountYen, DateTimeOffset now)
    {
        if (amountYen <= 0) throw new ArgumentOutOfRangeException(nameof(amountYen), "Only paid registrations have a payment.");
        return new Payment
        {
            Id = Guid.CreateVersion7(now),
            Purpose = PaymentPurpose.Ticket,
            RegistrationId = registrationId,
            EventId = eventId,
            MemberId = memberId,
            AmountYen = amountYen,
            Status = PaymentStatus.CheckoutOpen,
            CheckoutIdempotencyKey = $"checkout-{registrationId:N}",
            CreatedAt = now,
        };
    }

    /// <summary>Dues for <paramref name="planCode"/> at its price today; the period is fixed when the money arrives.</summary>
    public static Payment StartDues(Guid memberId, string planCode, int amountYen, DateTimeOffset now)
    {
        if (amountYen <= 0) throw new ArgumentOutOfRangeException(nameof(amountYen), "Only a plan with a price is paid through Checkout.");
        var id = Guid.CreateVersion7(now);
        return new Payment
        {
            Id = id,
            Purpose = PaymentPurpose.Dues,
            PlanCode = planCode,
            MemberId = memberId,
            AmountYen = amountYen,
            Status = PaymentStatus.CheckoutOpen,
            CheckoutIdempotencyKey = $"dues-{id:N}",
            CreatedAt = now,
        };
    }

    /// <summary>What Checkout names as its client_reference_id: the registration of a ticket, the payment itself for dues.</summary>
    public Guid Reference => RegistrationId ?? Id;

    private string KeyFor(int attempt)
    {
        var first = Purpose == PaymentPurpose.Ticket ? $"checkout-{RegistrationId:N}" : $"dues-{Id:N}";
        return attempt == 1 ? first : $"{first}-{attempt}";
    }

    /// <summary>
    /// The terms of the current attempt: those stored, or these (then stored before anything is sent). The amount is
    /// always the payment's own. Its session lasts until <paramref name="holdEndsAt"/> (a ticket's hold), and at least
    /// Checkout's minimum.
    /// </summary>
    public CheckoutTerms TermsFor(string productName, int quantity, string? customerEmail, string locale, DateTimeOffset holdEndsAt,
        string successUrl, string cancelUrl, DateTimeOffset now)
    {
        if (CheckoutTerms is { } fixedTerms) return fixedTerms;
        if (quantity <= 0 || AmountYen % quantity != 0) throw new InvalidOperationException("The amount must split evenly over the seats.");
        var expiresAt = holdEndsAt < now + MinimumSession ? now + MinimumSession : holdEndsAt;
        CheckoutTerms = new CheckoutTerms(productName, AmountYen / quantity, quantity, customerEmail, locale, expiresAt, successUrl, cancelUrl);
        return CheckoutTerms;
    }

    /// <summary>
    /// Stripe answered the attempt with an error: its answer is stored under the key (even a 500) and would be replayed,
    /// and no session anyone can pay exists under it (nobody ever saw its address). The next attempt uses a new key and new terms.
    /// </summary>
    public void RetireCheckoutKey()
    {
        if (CheckoutSessionId is not null) throw new InvalidOperationException("A session that exists is expired, never replaced.");
        CheckoutAttempt++;
        CheckoutIdempotencyKey = KeyFor(CheckoutAttempt);
        CheckoutTerms = null;
    }

    /// <summary>The session exists. Reconciliation asks about it when it ends (if no webhook settled it first).</summary>
    public void AttachSession(string sessionId, string? url, DateTimeOffset expiresAt)
    {
        CheckoutSessionId = sessionId;
        CheckoutUrl = url;
        CheckoutExpiresAt = expiresAt;
        // The e-mail was only needed to repeat the request; keep no more personal data than needed.
        if (CheckoutTerms is { } terms) CheckoutTerms = terms with { CustomerEmail = null };
        NextCheckAt = SessionEndRequestedAt ?? expiresAt;
        Checks = 0;
    }

    public bool IsSettled => Status is PaymentStatus.Paid or PaymentStatus.Expired or PaymentStatus.Failed or PaymentStatus.NeedsReview;

    /// <summary>
    /// The hold is not released by its deadline: Stripe may still take money for it (its session exists and has not
    /// ended, or a delayed payment is under way), or money came that a person must look at. Reconciliation asks Stripe
    /// and releases the seat only when Stripe says the session expired or went unpaid.
    /// </summary>
    public bool KeepsHold => CheckoutSessionId != null && Status is PaymentStatus.CheckoutOpen or PaymentStatus.AwaitingAsyncPayment or PaymentStatus.NeedsReview;

    /// <summary><see cref="KeepsHold"/> for queries.</summary>
    public static readonly Expression<Func<Payment, bool>> KeepsHoldRule = p => p.CheckoutSessionId != null
        && (p.Status == PaymentStatus.CheckoutOpen || p.Status == PaymentStatus.AwaitingAsyncPayment || p.Status == PaymentStatus.NeedsReview);

    /// <summary>Stripe's total and currency are the ones recorded (JPY is zero-decimal: ¥3,000 is 3000).</summary>
    public bool Matches(long? amountTotal, string? currency)
        => amountTotal == AmountYen && string.Equals(currency, Currency, StringComparison.OrdinalIgnoreCase);

    /// <summary>The money arrived at <paramref name="paidAt"/>. Returns false when this was already known (a repeated or late event).</summary>
    public bool MarkPaid(string? paymentIntentId, DateTimeOffset paidAt)
    {
        if (Status is PaymentStatus.Paid or PaymentStatus.NeedsReview) return false;
        Status = PaymentStatus.Paid;
        PaymentIntentId = paymentIntentId ?? PaymentIntentId;
        // Stripe's time, which cannot come before the payment began (clocks differ).
        PaidAt = paidAt < CreatedAt ? CreatedAt : paidAt;
        NextCheckAt = null;
        return true;
    }

    /// <summary>
    /// The buyer chose a delayed method (Konbini): the money comes when they pay at the shop, at the latest by the
    /// voucher's deadline. Stripe says which with async_payment_succeeded/_failed; reconciliation asks after the deadline.
    /// </summary>
    public bool MarkAwaitingAsyncPayment(string? paymentIntentId, DateTimeOffset voucherDeadline)
    {
        if (Status != PaymentStatus.CheckoutOpen) return false;
        Status = PaymentStatus.AwaitingAsyncPayment;
        PaymentIntentId = paymentIntentId ?? PaymentIntentId;
        NextCheckAt = voucherDeadline;
        Checks = 0;
        return true;
    }

    /// <summary>The session expired or the delayed payment failed; never after the money arrived.</summary>
    public bool MarkUnpaid(PaymentStatus outcome)
    {
        if (outcome is not (PaymentStatus.Expired or PaymentStatus.Failed)) throw new ArgumentOutOfRangeException(nameof(outcome));
        if (IsSettled) return false;
        Status = outcome;
        NextCheckAt = null;
        return true;
    }

    /// <summary>Stripe reported other money than recorded: held as it is for a person to look at, never confirmed.</summary>
    public bool MarkNeedsReview(string? paymentIntentId)
    {
        if (Status is PaymentStatus.Paid or PaymentStatus.NeedsReview) return false;
        Status = PaymentStatus.NeedsReview;
        PaymentIntentId = paymentIntentId ?? PaymentIntentId;
        NextCheckAt = null;
        return true;
    }

    /// <summary>The registration ended while its session may be open: expire it at Stripe now, so nobody pays for a seat that is gone.</summary>
    public void RequestSessionEnd(DateTimeOffset now)
    {
        if (Status != PaymentStatus.CheckoutOpen || SessionEndRequestedAt is not null) return;
        SessionEndRequestedAt = now;
        if (CheckoutSessionId is not null) NextCheckAt = now;
    }

    /// <summary>Whether reconciliation should end an open session now rather than wait for it.</summary>
    public bool SessionShouldEnd(DateTimeOffset now) => SessionEndRequestedAt is not null || CheckoutExpiresAt <= now;

    /// <summary>Stripe gave no settling answer: ask again later, at most hourly, so rows that never settle never crowd out newer ones.</summary>
    public void CheckAgainLater(DateTimeOffset now)
    {
        Checks++;
        NextCheckAt = now + TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Min(Checks - 1, 10))));
    }

    public void MarkRefundDue() => RefundDue = true;

    /// <summary>Yen already promised back (every refund not definitely failed, settled or not). Never above <see cref="AmountYen"/>.</summary>
    public int RefundedYen { get; private set; }

    public int RefundableYen => Status == PaymentStatus.Paid ? AmountYen - RefundedYen : 0;

    /// <summary>A refund of <paramref name="amountYen"/> (whole yen); the total never exceeds what was paid.</summary>
    /// <param name="feeYen">What the event's rule keeps (told to the member with the refund).</param>
    public Result<Refund> RequestRefund(int amountYen, RefundReason reason, DateTimeOffset now, int feeYen = 0)
    {
        if (Status != PaymentStatus.Paid) return PaymentErrors.NotPaid;
        // Everything is promised back already (some of it perhaps not yet settled with Stripe).
        if (RefundableYen == 0) return PaymentErrors.RefundTooLarge(0);
        if (amountYen <= 0)
            return Error.Validation("payment.invalid", new Dictionary<string, string[]> { ["amountYen"] = ["A refund is at least ¥1."] });
        if (amountYen > RefundableYen) return PaymentErrors.RefundTooLarge(RefundableYen);
        RefundedYen += amountYen;
        // A ticket's member hears of it from the event's notices; dues refunds are told by their own mail.
        if (Purpose == PaymentPurpose.Ticket) Raise(new RefundRequested(EventId!.Value, MemberId, RegistrationId!.Value, now, amountYen, feeYen, reason));
        return Refund.Create(this, amountYen, reason, now);
    }

    /// <summary>Stripe settled <paramref name="refund"/>: the member is told the money is back.</summary>
    public void RefundSettled(Refund refund, DateTimeOffset now)
    {
        if (refund.Status != RefundStatus.Succeeded) throw new InvalidOperationException("Only a refund that succeeded is told as completed.");
        if (Purpose == PaymentPurpose.Ticket) Raise(new RefundCompleted(EventId!.Value, MemberId, RegistrationId!.Value, now, refund.AmountYen, refund.Id));
    }

    /// <summary>Stripe said for certain that a refund failed: its yen can be refunded again. Never for an unknown outcome.</summary>
    public void RefundFailed(Refund refund)
    {
        if (refund.Status != RefundStatus.Failed) throw new InvalidOperationException("Only a refund that definitely failed gives its yen back.");
        RefundedYen = Math.Max(0, RefundedYen - refund.AmountYen);
    }
}
