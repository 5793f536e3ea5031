using Assemble.Domain.Common;

namespace Assemble.Domain.Memberships;

public enum DuesMethod
{
    /// <summary>Paid by card through Stripe Checkout.</summary>
    Card,

    /// <summary>銀行振込, recorded by an admin with its date and the bank's reference.</summary>
    BankTransfer,
}

/// <summary>
/// Dues paid for one period of a plan. The period follows from the plan, the day paid and what the member had paid
/// before (<see cref="MembershipPlan.PeriodFor"/>), so a membership is the chain of its payments and nothing else.
/// </summary>
public sealed class MembershipPayment
{
    public const int MaxReferenceLength = 100;

    private MembershipPayment() { }

    public Guid Id { get; private set; }
    public Guid MemberId { get; private set; }
    public string PlanCode { get; private set; } = "";
    public DateOnly PaidOn { get; private set; }
    public int AmountYen { get; private set; }
    public DuesMethod Method { get; private set; }

    /// <summary>The bank's reference for a transfer (振込名義 or a transaction number).</summary>
    public string? Reference { get; private set; }

    /// <summary>The admin who recorded a bank transfer.</summary>
    public Guid? RecordedBy { get; private set; }

    /// <summary>The Checkout payment of dues paid by card (one membership payment each, however often Stripe reports it).</summary>
    public Guid? PaymentId { get; private set; }

    /// <summary>
    /// When an admin refunded the dues in full: from then on the payment keeps no membership (every query skips it)
    /// and stays only as the record of what was paid and given back.
    /// </summary>
    public DateTimeOffset? VoidedAt { get; private set; }

    public DateOnly StartsOn { get; private set; }
    public DateOnly EndsOn { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public MembershipPeriod Period => new(StartsOn, EndsOn);

    public static readonly Error FuturePayment = Error.Validation("membership.payment_invalid",
        new Dictionary<string, string[]> { ["paidOn"] = ["A payment already made: today or earlier (in Japan)."] });

    private static readonly TimeZoneInfo Japan = TimeZoneInfo.FindSystemTimeZoneById(Events.Event.DefaultTimeZone);

    /// <summary>The day in Japan, where the association counts its years and its members their days.</summary>
    public static DateOnly DayInJapan(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Japan).DateTime);

    /// <summary>A bank transfer an admin records: the plan must admit the member, and the period chains on from what was paid before.</summary>
    public static Result<MembershipPayment> RecordTransfer(Guid id, Guid memberId, IReadOnlyList<Members.Profession> verifiedProfessions, MembershipPlan plan,
        IReadOnlyList<MembershipPeriod> paidBefore, DateOnly paidOn, int? amountYen, string? reference, Guid recordedBy, int fiscalYearStartMonth, int graceDays, DateTimeOffset now)
    {
        var fields = new Dictionary<string, string[]>();
        if (amountYen is not (>= 0 and <= MembershipPlan.MaxPriceYen)) fields["amountYen"] = [$"Whole yen from 0 to {MembershipPlan.MaxPriceYen:N0}."];
        var cleaned = reference?.Trim();
        if (cleaned is { Length: > MaxReferenceLength } || (cleaned is not null && !SingleLineText.IsSingleLine(cleaned))) fields["reference"] = [$"One line of at most {MaxReferenceLength} characters."];
        if (paidOn > DayInJapan(now)) return FuturePayment;
        if (fields.Count > 0) return Error.Validation("membership.payment_invalid", fields);
        if (!plan.Admits(verifiedProfessions)) return MembershipPlan.NotEligible;

        var payment = Chained(id, memberId, plan, paidBefore, paidOn, amountYen!.Value, fiscalYearStartMonth, graceDays, now);
        (payment.Method, payment.Reference, payment.RecordedBy) = (DuesMethod.BankTransfer, string.IsNullOrEmpty(cleaned) ? null : cleaned, recordedBy);
        return payment;
    }

    /// <summary>
    /// Dues paid by card: Stripe took the money, so the period is recorded whatever changed since the member chose the
    /// plan (the plan was checked then). It chains on from what was paid before, like a transfer.
    /// </summary>
    public static MembershipPayment RecordCard(Guid id, Guid memberId, MembershipPlan plan, IReadOnlyList<MembershipPeriod> paidBefore, DateOnly paidOn,
        int amountYen, Guid paymentId, int fiscalYearStartMonth, int graceDays, DateTimeOffset now)
    {
        var payment = Chained(id, memberId, plan, paidBefore, paidOn, amountYen, fiscalYearStartMonth, graceDays, now);
        (payment.Method, payment.PaymentId) = (DuesMethod.Card, paymentId);
        return payment;
    }

    private static MembershipPayment Chained(Guid id, Guid memberId, MembershipPlan plan, IReadOnlyList<MembershipPeriod> paidBefore, DateOnly paidOn,
        int amountYen, int fiscalYearStartMonth, int graceDays, DateTimeOffset now)
    {
        var period = plan.PeriodFor(paidOn, MembershipStanding.RenewsAfter(paidBefore, paidOn, graceDays), fiscalYearStartMonth);
        return new MembershipPayment
        {
            Id = id, MemberId = memberId, PlanCode = plan.Code, PaidOn = paidOn, AmountYen = amountYen,
            StartsOn = period.StartsOn, EndsOn = period.EndsOn, CreatedAt = now,
        };
    }

    /// <summary>
    /// <paramref name="refundedYen"/> of these dues are now promised back. All of them ends the membership they bought
    /// (the period no longer counts); a part, such as a price correction, keeps it; and when a refund Stripe failed
    /// gives yen back, the membership holds again. Returns whether it changed.
    /// </summary>
    public bool FollowRefunds(int refundedYen, DateTimeOffset now)
    {
        var voided = refundedYen >= AmountYen;
        if (voided == VoidedAt is not null) return false;
        VoidedAt = voided ? now : null;
        return true;
    }
}
