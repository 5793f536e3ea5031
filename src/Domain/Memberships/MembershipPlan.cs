using System.Text.RegularExpressions;
using Assemble.Domain.Common;
using Assemble.Domain.Members;
using Assemble.Domain.Receipts;

namespace Assemble.Domain.Memberships;

/// <summary>How long a payment of dues keeps a membership.</summary>
public enum PlanValidity
{
    /// <summary>The association's fiscal year (年度) the payment falls in, or the next one when that is already paid.</summary>
    FiscalYear,

    /// <summary>Twelve months from the payment, or from the end of the period already paid.</summary>
    TwelveMonths,
}

/// <summary>What an admin sets on a plan; every field is required.</summary>
public sealed record PlanTerms(string? Name, int? PriceYen, IReadOnlyList<Profession>? Professions, PlanValidity? Validity, TaxCategory? Tax, bool? Offered);

/// <summary>
/// A kind of membership the association offers (正会員, 一般会員, 学生会員 …), configured by admins: its yearly dues
/// in whole yen, who may hold it, how long a payment keeps it, and how consumption tax applies to the dues. A plan
/// no longer offered stays for the memberships paid under it.
/// </summary>
public sealed partial class MembershipPlan
{
    public const int MaxNameLength = 60;
    public const int MaxPriceYen = 1_000_000;

    private MembershipPlan() { }

    /// <summary>Stable, lower-case, in URLs and reports ("regular", "student").</summary>
    public string Code { get; private set; } = "";

    public string Name { get; private set; } = "";
    public int PriceYen { get; private set; }

    /// <summary>Empty: anyone may hold it; otherwise a verified credential of one of these.</summary>
    public List<Profession> Professions { get; private set; } = [];

    public PlanValidity Validity { get; private set; }

    /// <summary>How consumption tax applies to the dues: 10 % unless the association treats them as 不課税.</summary>
    public TaxCategory Tax { get; private set; }

    /// <summary>Open to new payments.</summary>
    public bool Offered { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static readonly Error NotEligible = new("membership.not_eligible",
        "This plan is for verified professionals of the professions it names. Submit your credential first.", ErrorKind.Rule);

    public static readonly Error Unknown = Error.Validation("membership.checkout_invalid",
        new Dictionary<string, string[]> { ["planCode"] = ["No membership plan has this code."] });

    public static readonly Error NoDues = new("membership.no_dues",
        "This plan has no dues to pay by card. Ask the association to record your membership.", ErrorKind.Rule);

    public static readonly Error NotOpen = new("membership.plan_not_offered",
        "This plan is no longer open to new payments.", ErrorKind.Rule);

    public static readonly Error AlreadyPaid = new("membership.already_paid",
        $"Your dues are paid well ahead already. Renewal opens {MembershipStanding.RenewalOpensDaysBefore} days before your paid time ends.", ErrorKind.Conflict);

    [GeneratedRegex("^[a-z][a-z0-9-]{1,39}$")]
    private static partial Regex CodePattern();

    public static Result<MembershipPlan> Define(string code, PlanTerms terms, DateTimeOffset now)
    {
        if (!CodePattern().IsMatch(code))
            return Error.Validation("membership_plan.invalid", new Dictionary<string, string[]> { ["code"] = ["2 to 40 lower-case letters, digits or hyphens, starting with a letter."] });
        var plan = new MembershipPlan { Code = code };
        var changed = plan.Change(terms, now);
        return changed.IsSuccess ? plan : changed.Error!;
    }

    public Result Change(PlanTerms terms, DateTimeOffset now)
    {
        var fields = new Dictionary<string, string[]>();
        var name = terms.Name?.Trim();
        if (name is not { Length: > 0 and <= MaxNameLength } || !SingleLineText.IsSingleLine(name)) fields["name"] = [$"One line of 1 to {MaxNameLength} characters."];
        if (terms.PriceYen is not (>= 0 and <= MaxPriceYen)) fields["priceYen"] = [$"Whole yen from 0 to {MaxPriceYen:N0}."];
        else if (terms.PriceYen is > 0 and < Payments.Payment.MinimumYen) fields["priceYen"] = [$"0 (no dues by card) or at least ¥{Payments.Payment.MinimumYen} (Stripe's minimum for JPY)."];
        if (terms.Professions is null) fields["professions"] = ["Required: an empty list admits anyone."];
        if (terms.Validity is null) fields["validity"] = ["Required: fiscalYear or twelveMonths."];
        if (terms.Tax is null) fields["tax"] = ["Required: standard, reduced, exempt or outOfScope."];
        if (terms.Offered is null) fields["offered"] = ["Required."];
        if (fields.Count > 0) return Error.Validation("membership_plan.invalid", fields);

        (Name, PriceYen, Professions, Validity, Tax, Offered, UpdatedAt) =
            (name!, terms.PriceYen!.Value, [.. terms.Professions!.Distinct().Order()], terms.Validity!.Value, terms.Tax!.Value, terms.Offered!.Value, now);
        return Result.Success();
    }

    /// <summary>Whether a member with these verified professions may hold the plan.</summary>
    public bool Admits(IReadOnlyList<Profession> verifiedProfessions) => Professions.Count == 0 || Professions.Any(verifiedProfessions.Contains);

    /// <summary>
    /// Whether a member may start paying this plan's dues by card on <paramref name="today"/>: the plan is offered and
    /// has a price, admits the member's verified professions, and renewal is open (<see cref="MembershipStanding.RenewalOpen"/>).
    /// </summary>
    public Result PayableBy(IReadOnlyList<Profession> verifiedProfessions, IReadOnlyList<MembershipPeriod> paid, DateOnly today)
    {
        if (!Offered) return NotOpen;
        if (PriceYen == 0) return NoDues;
        if (!Admits(verifiedProfessions)) return NotEligible;
        return MembershipStanding.RenewalOpen(paid, today) ? Result.Success() : AlreadyPaid;
    }

    /// <summary>
    /// The period a payment made on <paramref name="paidOn"/> buys: the fiscal year (starting on the first of
    /// <paramref name="fiscalYearStartMonth"/>) or twelve months, from the day after <paramref name="chainsAfter"/>
    /// when the payment renews a membership (<see cref="MembershipStanding.RenewsAfter"/>: an early renewal or one in
    /// grace chains on and never overlaps), else from the payment.
    /// </summary>
    public MembershipPeriod PeriodFor(DateOnly paidOn, DateOnly? chainsAfter, int fiscalYearStartMonth)
    {
        if (fiscalYearStartMonth is < 1 or > 12) throw new ArgumentOutOfRangeException(nameof(fiscalYearStartMonth));
        var from = chainsAfter?.AddDays(1) ?? paidOn;
        if (Validity == PlanValidity.TwelveMonths)
        {
            // 民法第143条: a year counted from a day ends the day before the same date a year on, or, when that month
            // has no such date (from 29 February), on the month's last day.
            var anniversary = from.AddMonths(12);
            return new MembershipPeriod(from, anniversary.Day == from.Day ? anniversary.AddDays(-1) : anniversary);
        }
        var yearStart = new DateOnly(from.Month >= fiscalYearStartMonth ? from.Year : from.Year - 1, fiscalYearStartMonth, 1);
        return new MembershipPeriod(yearStart, yearStart.AddYears(1).AddDays(-1));
    }
}
