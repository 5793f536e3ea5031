namespace Assemble.Domain.Memberships;

public enum MembershipStatus
{
    /// <summary>Never paid.</summary>
    None,

    /// <summary>A paid period covers the day: member prices apply.</summary>
    Active,

    /// <summary>The last period ended at most the grace days ago: still on the roll, renewal chains on from its end; member prices do not apply.</summary>
    Grace,

    /// <summary>Ended longer ago than the grace.</summary>
    Lapsed,
}

/// <summary>
/// Where a member stands on a day, from the periods paid (in any order): active while one covers the day, then in
/// grace for <c>graceDays</c>, then lapsed. The rule lives here once: prices, the members-only check, the renewal
/// reminders and the treasurer's list all ask it.
/// </summary>
public static class MembershipStanding
{
    public const int DefaultGraceDays = 30;

    /// <summary>Renewal reminders go out this many days before the paid time ends.</summary>
    public static readonly IReadOnlyList<int> ReminderDaysBefore = [30, 7];

    public static MembershipStatus On(IEnumerable<MembershipPeriod> periods, DateOnly day, int graceDays = DefaultGraceDays)
    {
        var paid = periods.ToList();
        if (paid.Count == 0) return MembershipStatus.None;
        if (paid.Any(p => p.Covers(day))) return MembershipStatus.Active;
        var lastEnd = paid.Where(p => p.EndsOn < day).Select(p => (DateOnly?)p.EndsOn).Max();
        if (lastEnd is null) return MembershipStatus.None; // only periods still to come: not yet a member
        return day <= lastEnd.Value.AddDays(graceDays) ? MembershipStatus.Grace : MembershipStatus.Lapsed;
    }

    /// <summary>While in grace on <paramref name="day"/>: the last day a renewal still continues the membership; else null.</summary>
    public static DateOnly? GraceEndsOn(IEnumerable<MembershipPeriod> periods, DateOnly day, int graceDays = DefaultGraceDays)
    {
        var paid = periods.ToList();
        return On(paid, day, graceDays) == MembershipStatus.Grace ? paid.Max(p => p.EndsOn).AddDays(graceDays) : null;
    }

    /// <summary>
    /// The last day paid for without a gap from <paramref name="day"/> on: the end of the period covering it, followed
    /// through the periods that chain on after it. Null when no period covers the day.
    /// </summary>
    public static DateOnly? PaidUntil(IEnumerable<MembershipPeriod> periods, DateOnly day)
    {
        var ordered = periods.OrderBy(p => p.StartsOn).ToList();
        DateOnly? until = null;
        foreach (var p in ordered)
        {
            if (until is null) { if (p.Covers(day)) until = p.EndsOn; }
            else if (p.StartsOn <= until.Value.AddDays(1) && p.EndsOn > until.Value) until = p.EndsOn;
        }
        return until;
    }

    /// <summary>
    /// The day a payment made on <paramref name="day"/> renews from: the end of the paid time while active, the end of
    /// the last period while in grace; null when lapsed or never a member (a payment then starts afresh).
    /// </summary>
    public static DateOnly? RenewsAfter(IEnumerable<MembershipPeriod> periods, DateOnly day, int graceDays = DefaultGraceDays)
    {
        var paid = periods.ToList();
        return On(paid, day, graceDays) switch
        {
            MembershipStatus.Active => PaidUntil(paid, day),
            MembershipStatus.Grace => paid.Max(p => p.EndsOn),
            _ => null,
        };
    }

    /// <summary>How long before the paid time ends a member may pay the next period by card.</summary>
    public const int RenewalOpensDaysBefore = 90;

    /// <summary>
    /// Whether a member may pay another period on <paramref name="day"/>: not while a period still to come is paid
    /// (next year's dues are in), nor while the paid time runs on beyond <see cref="RenewalOpensDaysBefore"/> days,
    /// so a second payment made by mistake (a double tap, a delayed confirmation) is refused. Admins may still record
    /// a transfer.
    /// </summary>
    public static bool RenewalOpen(IEnumerable<MembershipPeriod> periods, DateOnly day)
    {
        var paid = periods.ToList();
        if (paid.Any(p => p.StartsOn > day)) return false;
        return PaidUntil(paid, day) is not { } until || until.DayNumber - day.DayNumber <= RenewalOpensDaysBefore;
    }

    /// <summary>
    /// The renewal reminder whose window <paramref name="day"/> is in, with the day the paid time runs out: the
    /// 30-day one from 30 days before, the 7-day one from 7 days before, until the last paid day. A window, not a
    /// day, so that a reminder a run missed goes out the next day; the sender records each (member, until, days)
    /// once. Null while no reminder is due (more than 30 days left, or not active, or a renewal already paid).
    /// </summary>
    public static (int DaysBefore, DateOnly PaidUntil)? ReminderDue(IEnumerable<MembershipPeriod> periods, DateOnly day)
    {
        if (PaidUntil(periods, day) is not { } until) return null;
        var left = until.DayNumber - day.DayNumber;
        return ReminderDaysBefore.Where(d => left <= d).Order().Select(d => ((int, DateOnly)?)(d, until)).FirstOrDefault();
    }
}
