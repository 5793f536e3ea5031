using Assemble.Domain.Members;
using Assemble.Domain.Memberships;
using Assemble.Domain.Receipts;
using Xunit;

namespace Assemble.Domain.UnitTests.Memberships;

public sealed class MembershipTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly MembershipPlan Regular = MembershipPlan.Define("regular",
        new PlanTerms("正会員", 8_000, [Profession.ClinicalPsychologist, Profession.CertifiedPublicPsychologist], PlanValidity.FiscalYear, TaxCategory.Standard, true), Now).Value!;
    private static readonly MembershipPlan General = MembershipPlan.Define("general", new PlanTerms("一般会員", 5_000, [], PlanValidity.TwelveMonths, TaxCategory.OutOfScope, true), Now).Value!;
    private static DateOnly D(string iso) => DateOnly.Parse(iso);
    private static MembershipPeriod P(string from, string to) => new(D(from), D(to));

    [Fact]
    public void A_fiscal_year_plan_covers_the_year_the_payment_falls_in_from_April_by_default_or_the_configured_month()
    {
        Assert.Equal(P("2026-04-01", "2027-03-31"), Regular.PeriodFor(D("2026-12-03"), null, 4));
        Assert.Equal(P("2025-04-01", "2026-03-31"), Regular.PeriodFor(D("2026-03-31"), null, 4));
        Assert.Equal(P("2026-04-01", "2027-03-31"), Regular.PeriodFor(D("2026-04-01"), null, 4));
        Assert.Equal(P("2026-01-01", "2026-12-31"), Regular.PeriodFor(D("2026-12-03"), null, 1));
        Assert.Equal(P("2026-10-01", "2027-09-30"), Regular.PeriodFor(D("2026-12-03"), null, 10));
    }

    [Fact]
    public void A_twelve_month_plan_runs_from_the_payment_to_the_day_before_the_same_date_a_year_on()
    {
        Assert.Equal(P("2026-12-03", "2027-12-02"), General.PeriodFor(D("2026-12-03"), null, 4));
        Assert.Equal(P("2027-03-01", "2028-02-29"), General.PeriodFor(D("2027-03-01"), null, 4));
        // 民法第143条: no 29 February in 2029, so the year ends on the month's last day.
        Assert.Equal(P("2028-02-29", "2029-02-28"), General.PeriodFor(D("2028-02-29"), null, 4));
    }

    [Fact]
    public void Paying_next_years_dues_early_chains_the_periods_without_overlap()
    {
        List<MembershipPeriod> paid = [Regular.PeriodFor(D("2026-06-10"), null, 4)];
        var early = Regular.PeriodFor(D("2027-02-20"), MembershipStanding.RenewsAfter(paid, D("2027-02-20")), 4);
        Assert.Equal(P("2027-04-01", "2028-03-31"), early);
        paid.Add(early);
        Assert.Equal(D("2028-03-31"), MembershipStanding.PaidUntil(paid, D("2027-02-20")));
        Assert.Equal(MembershipStatus.Active, MembershipStanding.On(paid, D("2027-04-01")));

        List<MembershipPeriod> general = [General.PeriodFor(D("2026-12-03"), null, 4)];
        Assert.Equal(P("2027-12-03", "2028-12-02"), General.PeriodFor(D("2027-11-20"), MembershipStanding.RenewsAfter(general, D("2027-11-20")), 4));
    }

    [Fact]
    public void A_renewal_in_grace_continues_from_the_old_end_and_one_after_the_lapse_starts_afresh()
    {
        List<MembershipPeriod> general = [P("2025-12-03", "2026-12-02")];
        Assert.Equal(P("2026-12-03", "2027-12-02"), General.PeriodFor(D("2026-12-20"), MembershipStanding.RenewsAfter(general, D("2026-12-20")), 4));
        Assert.Equal(P("2027-02-01", "2028-01-31"), General.PeriodFor(D("2027-02-01"), MembershipStanding.RenewsAfter(general, D("2027-02-01")), 4));
    }

    [Theory]
    [InlineData("2026-04-01", MembershipStatus.Active)]
    [InlineData("2027-03-31", MembershipStatus.Active)]
    [InlineData("2027-04-01", MembershipStatus.Grace)]
    [InlineData("2027-04-30", MembershipStatus.Grace)]
    [InlineData("2027-05-01", MembershipStatus.Lapsed)]
    [InlineData("2026-03-31", MembershipStatus.None)]
    public void A_membership_is_active_then_in_grace_for_thirty_days_then_lapsed(string day, MembershipStatus status)
        => Assert.Equal(status, MembershipStanding.On([P("2026-04-01", "2027-03-31")], D(day)));

    [Fact]
    public void The_grace_is_configurable_and_never_paid_is_none()
    {
        Assert.Equal(MembershipStatus.Lapsed, MembershipStanding.On([P("2026-04-01", "2027-03-31")], D("2027-04-08"), graceDays: 7));
        Assert.Equal(MembershipStatus.None, MembershipStanding.On([], D("2027-04-08")));
    }

    [Fact]
    public void Renewal_reminders_fall_thirty_and_seven_days_before_the_paid_time_runs_out_and_not_while_a_renewal_is_paid()
    {
        List<MembershipPeriod> paid = [P("2026-04-01", "2027-03-31")];
        var end = D("2027-03-31");
        Assert.Null(MembershipStanding.ReminderDue(paid, D("2027-02-28")));
        Assert.Equal((30, end), MembershipStanding.ReminderDue(paid, D("2027-03-01")));
        Assert.Equal((30, end), MembershipStanding.ReminderDue(paid, D("2027-03-02"))); // a missed day catches up
        Assert.Equal((7, end), MembershipStanding.ReminderDue(paid, D("2027-03-24")));
        Assert.Equal((7, end), MembershipStanding.ReminderDue(paid, D("2027-03-31")));
        Assert.Null(MembershipStanding.ReminderDue(paid, D("2027-04-01")));
        paid.Add(P("2027-04-01", "2028-03-31"));
        Assert.Null(MembershipStanding.ReminderDue(paid, D("2027-03-24")));
        Assert.Equal((30, D("2028-03-31")), MembershipStanding.ReminderDue(paid, D("2028-03-01")));
    }

    [Fact]
    public void A_plan_naming_professions_admits_a_verified_one_and_a_plan_naming_none_admits_anyone()
    {
        Assert.True(Regular.Admits([Profession.Nurse, Profession.ClinicalPsychologist]));
        Assert.False(Regular.Admits([Profession.Nurse]));
        Assert.False(Regular.Admits([]));
        Assert.True(General.Admits([]));
    }

    [Fact]
    public void A_plan_needs_a_code_for_urls_and_every_term()
    {
        Assert.Equal(["code"], MembershipPlan.Define("正会員", new PlanTerms("正会員", 8_000, [], PlanValidity.FiscalYear, TaxCategory.Standard, true), Now).Error!.Fields.Keys);
        var missing = MembershipPlan.Define("regular", new PlanTerms(" ", -1, null, null, null, null), Now).Error!;
        Assert.Equal("membership_plan.invalid", missing.Code);
        Assert.Equal(["name", "offered", "priceYen", "professions", "tax", "validity"], missing.Fields.Keys.Order());
        Assert.Equal(["name"], MembershipPlan.Define("regular", new PlanTerms("正会員\n（年会費）", 8_000, [], PlanValidity.FiscalYear, TaxCategory.Standard, true), Now).Error!.Fields.Keys);
        Assert.Equal(["priceYen"], MembershipPlan.Define("regular", new PlanTerms("正会員", 1_000_001, [], PlanValidity.FiscalYear, TaxCategory.Standard, true), Now).Error!.Fields.Keys);
    }

    [Fact]
    public void A_change_keeps_the_code_and_sorts_the_professions_once_each()
    {
        var plan = MembershipPlan.Define("student", new PlanTerms("学生会員", 3_000, [], PlanValidity.FiscalYear, TaxCategory.Standard, true), Now).Value!;
        Assert.True(plan.Change(new PlanTerms(" 学生会員(院生含む) ", 2_000, [Profession.Psychiatrist, Profession.ClinicalPsychologist, Profession.Psychiatrist], PlanValidity.TwelveMonths, TaxCategory.OutOfScope, false), Now.AddDays(1)).IsSuccess);
        Assert.Equal(("student", "学生会員(院生含む)", 2_000, false, TaxCategory.OutOfScope), (plan.Code, plan.Name, plan.PriceYen, plan.Offered, plan.Tax));
        Assert.Equal([Profession.ClinicalPsychologist, Profession.Psychiatrist], plan.Professions);
        Assert.False(plan.Change(new PlanTerms("", 2_000, [], PlanValidity.TwelveMonths, TaxCategory.OutOfScope, false), Now).IsSuccess);
        Assert.Equal("学生会員(院生含む)", plan.Name);
    }

    [Fact]
    public void Dues_are_payable_by_card_only_for_an_offered_priced_plan_that_admits_the_member_and_one_period_ahead_at_most()
    {
        var today = D("2026-12-03");
        Assert.True(Regular.PayableBy([Profession.ClinicalPsychologist], [], today).IsSuccess);
        Assert.Equal("membership.not_eligible", Regular.PayableBy([Profession.Nurse], [], today).Error!.Code);
        var closed = MembershipPlan.Define("old", new PlanTerms("旧会員", 3_000, [], PlanValidity.TwelveMonths, TaxCategory.Standard, false), Now).Value!;
        Assert.Equal("membership.plan_not_offered", closed.PayableBy([], [], today).Error!.Code);
        // Stripe charges ¥50 at least: a plan costs nothing or that much.
        Assert.Equal(["priceYen"], MembershipPlan.Define("cheap", new PlanTerms("賛助会員", 49, [], PlanValidity.TwelveMonths, TaxCategory.Standard, true), Now).Error!.Fields.Keys);
        var free = MembershipPlan.Define("student", new PlanTerms("学生会員", 0, [], PlanValidity.TwelveMonths, TaxCategory.Standard, true), Now).Value!;
        Assert.Equal("membership.no_dues", free.PayableBy([], [], today).Error!.Code);

        // This fiscal year paid: next year's dues open 90 days before it ends; once they are paid, not a third year.
        List<MembershipPeriod> paid = [P("2026-04-01", "2027-03-31")];
        Assert.Equal("membership.already_paid", General.PayableBy([], paid, today).Error!.Code);
        Assert.True(General.PayableBy([], paid, D("2027-01-01")).IsSuccess);
        Assert.Equal("membership.already_paid", General.PayableBy([], paid, D("2026-12-30")).Error!.Code);
        paid.Add(P("2027-04-01", "2028-03-31"));
        Assert.Equal("membership.already_paid", General.PayableBy([], paid, D("2027-02-01")).Error!.Code);
        Assert.True(General.PayableBy([], paid, D("2028-01-01")).IsSuccess);
        // A payment made a minute ago is never followed by another by mistake.
        Assert.Equal("membership.already_paid", General.PayableBy([], [P("2026-12-03", "2027-12-02")], today).Error!.Code);
    }

    [Fact]
    public void Dues_paid_by_card_chain_like_a_transfer_and_name_their_payment()
    {
        var paymentId = Guid.NewGuid();
        List<MembershipPeriod> paid = [P("2026-04-01", "2027-03-31")];
        var card = MembershipPayment.RecordCard(Guid.NewGuid(), Guid.NewGuid(), Regular, paid, D("2027-02-20"), 8_000, paymentId, 4, 30, Now);
        Assert.Equal((DuesMethod.Card, (Guid?)paymentId, P("2027-04-01", "2028-03-31"), (string?)null, (Guid?)null),
            (card.Method, card.PaymentId, card.Period, card.Reference, card.RecordedBy));
        // A part refunded keeps the membership; all of it ends it, once; a refund that failed gives it back.
        Assert.False(card.FollowRefunds(3_000, Now));
        Assert.Null(card.VoidedAt);
        Assert.True(card.FollowRefunds(8_000, Now));
        Assert.False(card.FollowRefunds(8_000, Now.AddDays(1)));
        Assert.Equal(Now, card.VoidedAt);
        Assert.True(card.FollowRefunds(0, Now.AddDays(2)));
        Assert.Null(card.VoidedAt);
    }
}
