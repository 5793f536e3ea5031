using Assemble.Domain.Common;

namespace Assemble.Domain.Referrals;

/// <summary>
/// The written state machine of the referral board. A request: Draft → Sent (introductions sent) → Closed (with an
/// outcome, once one introduction is accepted); Draft | Sent → Withdrawn. An introduction: Sent → Accepted |
/// Declined | Expired | Withdrawn → Closed (when its request closes). Every other transition is refused (409).
/// </summary>
public static class ReferralStates
{
    private static readonly Dictionary<IntroductionStatus, IntroductionStatus[]> IntroductionMoves = new()
    {
        [IntroductionStatus.Sent] = [IntroductionStatus.Accepted, IntroductionStatus.Declined, IntroductionStatus.Expired, IntroductionStatus.Withdrawn],
        [IntroductionStatus.Accepted] = [IntroductionStatus.Closed],
        [IntroductionStatus.Declined] = [IntroductionStatus.Closed],
        [IntroductionStatus.Expired] = [IntroductionStatus.Closed],
        [IntroductionStatus.Withdrawn] = [IntroductionStatus.Closed],
        [IntroductionStatus.Closed] = [],
    };

    public static bool Allows(IntroductionStatus from, IntroductionStatus to) => IntroductionMoves[from].Contains(to);

    public static Error Refused(IntroductionStatus from, IntroductionStatus to) => from == IntroductionStatus.Expired
        ? ReferralErrors.Expired
        : new("introduction.invalid_transition", $"An introduction that is {from} cannot become {to}.", ErrorKind.Conflict);

    public static Error Refused(ReferralStatus from, ReferralStatus to)
        => new("referral.invalid_transition", $"A request that is {from} cannot become {to}.", ErrorKind.Conflict);
}

public enum IntroductionStatus { Sent, Accepted, Declined, Expired, Withdrawn, Closed }

public enum DeclineReason { NoCapacity, NotMySpecialty, Area, Fee, Other }

/// <summary>
/// One professional invited to look at a referral need. They see the need, never the requester's contact, until
/// they accept; then each side sees the other's chosen contact channel.
/// </summary>
public sealed class Introduction
{
    /// <summary>At most this many introductions of one request wait for an answer at once.</summary>
    public const int MaxOpen = 5;
    public static readonly TimeSpan AnswerWithin = TimeSpan.FromHours(72);

    private Introduction() { }

    internal Introduction(Guid requestId, Guid inviteeId, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        RequestId = requestId;
        InviteeId = inviteeId;
        Status = IntroductionStatus.Sent;
        SentAt = now;
        UpdatedAt = now;
        RespondBy = now + AnswerWithin;
    }

    public Guid Id { get; private set; }
    public Guid RequestId { get; private set; }
    public Guid InviteeId { get; private set; }
    public IntroductionStatus Status { get; private set; }
    public DateTimeOffset SentAt { get; private set; }
    public DateTimeOffset RespondBy { get; private set; }
    public DateTimeOffset? AnsweredAt { get; private set; }
    public DeclineReason? DeclineReason { get; private set; }
    /// <summary>Set on accept; shown to the requester only then.</summary>
    public ContactChannel? InviteeContact { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Both sides see each other's contact only once the invited professional has accepted (answered without declining).</summary>
    public bool ContactsRevealed => AnsweredAt is not null && DeclineReason is null;

    internal Result Accept(ContactChannel contact, DateTimeOffset now)
    {
        var moved = Move(IntroductionStatus.Accepted, now);
        if (!moved.IsSuccess) return moved;
        AnsweredAt = now;
        InviteeContact = contact;
        return moved;
    }

    internal Result Decline(DeclineReason reason, DateTimeOffset now)
    {
        var moved = Move(IntroductionStatus.Declined, now);
        if (!moved.IsSuccess) return moved;
        AnsweredAt = now;
        DeclineReason = reason;
        return moved;
    }

    internal Result Move(IntroductionStatus to, DateTimeOffset now)
    {
        if (!ReferralStates.Allows(Status, to)) return ReferralStates.Refused(Status, to);
        Status = to;
        UpdatedAt = now;
        return Result.Success();
    }

    internal void ForgetContact() => InviteeContact = null;
}
