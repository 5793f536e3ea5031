using System.Security.Cryptography;
using Assemble.Domain.Common;

namespace Assemble.Domain.Events;

public enum RegistrationStatus
{
    /// <summary>A cohort application waiting for the organizer; holds no seat.</summary>
    PendingApproval,
    /// <summary>A paid seat held until <see cref="Registration.HoldExpiresAt"/>.</summary>
    PendingPayment,
    Confirmed,
    Cancelled,
    /// <summary>The payment hold ran out.</summary>
    Expired,
    /// <summary>Removed by an organizer, with a reason.</summary>
    Removed,
    /// <summary>An application the organizer declined.</summary>
    Declined,
}

/// <summary>A member's registration for an event: the seat(s), the answers, the pledge, the check-in code.</summary>
public sealed class Registration : AggregateRoot
{
    /// <summary>The end reason of a registration cancelled because its member deleted the account.</summary>
    public const string AccountDeletedReason = "account_deleted";

    private Registration() { }

    public Guid Id { get; private set; }
    public Guid EventId { get; private set; }
    public Guid MemberId { get; private set; }
    public Guid TicketTypeId { get; private set; }
    public int Quantity { get; private set; }
    public RegistrationStatus Status { get; private set; }
    /// <summary>What the member pays, in whole yen, for all seats.</summary>
    public int AmountYen { get; private set; }
    public DateTimeOffset? HoldExpiresAt { get; private set; }
    public List<Answer> Answers { get; private set; } = [];
    public int? PledgeVersion { get; private set; }
    public DateTimeOffset? PledgeAcceptedAt { get; private set; }
    /// <summary>Unguessable (20 characters of a 32-letter alphabet: 100 random bits); shown to its holder as text and QR code.</summary>
    public string CheckInCode { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ConfirmedAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public string? EndReason { get; private set; }
    public Guid? WaitlistEntryId { get; private set; }

    /// <summary>Active registrations hold (or wait for) a seat and block a second registration.</summary>
    public bool IsActive => RegistrationStatuses.IsActive(Status);

    /// <summary>Whether this registration holds seats in the event's count.</summary>
    public bool HoldsSeats => Status is RegistrationStatus.PendingPayment or RegistrationStatus.Confirmed;

    /// <summary>
    /// A new registration once a seat is found (or, for an approval event, without one): free seats are confirmed at
    /// once, paid ones held for payment until the hold deadline.
    /// </summary>
    public static Registration Start(Event e, RegistrationAttempt attempt, DateTimeOffset now, Guid? waitlistEntryId = null)
    {
        var ticketType = e.TicketTypes.First(t => t.Id == attempt.TicketTypeId);
        var amount = ticketType.PriceFor(attempt.ActiveMember) * attempt.Quantity;
        var status = e.RequiresApproval && waitlistEntryId is null
            ? RegistrationStatus.PendingApproval
            : amount == 0 ? RegistrationStatus.Confirmed : RegistrationStatus.PendingPayment;
        var registration = new Registration
        {
            Id = Guid.CreateVersion7(now),
            EventId = e.Id,
            MemberId = attempt.MemberId,
            TicketTypeId = ticketType.Id,
            Quantity = attempt.Quantity,
            Status = status,
            AmountYen = amount,
            HoldExpiresAt = status == RegistrationStatus.PendingPayment ? e.HoldDeadline(now) : null,
            Answers = [.. attempt.Answers.Where(a => !string.IsNullOrWhiteSpace(a.Text) || a.Choices is { Count: > 0 })],
            PledgeVersion = e.Kind == EventKind.LiveSupervision ? e.PledgeVersion : null,
            PledgeAcceptedAt = e.Kind == EventKind.LiveSupervision ? now : null,
            CheckInCode = NewCheckInCode(),
            CreatedAt = now,
            ConfirmedAt = status == RegistrationStatus.Confirmed ? now : null,
            WaitlistEntryId = waitlistEntryId,
        };
        registration.Raise(registration.Status switch
        {
            RegistrationStatus.Confirmed => new RegistrationConfirmed(e.Id, registration.MemberId, registration.Id, now, ConfirmedBy.Registration),
            RegistrationStatus.PendingPayment => registration.HoldNotice(now),
            _ => new ApplicationReceived(e.Id, registration.MemberId, registration.Id, now),
        });
        return registration;
    }

    private HoldCreated HoldNotice(DateTimeOffset now) => new(EventId, MemberId, Id, now, HoldExpiresAt!.Value, AmountYen);

    /// <summary>An approved application takes its seat: confirmed if free, held for payment if paid.</summary>
    public Result Approve(Event e, DateTimeOffset now)
    {
        if (Status != RegistrationStatus.PendingApproval) return RegistrationErrors.NotPendingApproval;
        if (e.HasStarted(now)) return RegistrationErrors.EventStarted;
        Status = AmountYen == 0 ? RegistrationStatus.Confirmed : RegistrationStatus.PendingPayment;
        HoldExpiresAt = Status == RegistrationStatus.PendingPayment ? e.HoldDeadline(now) : null;
        ConfirmedAt = Status == RegistrationStatus.Confirmed ? now : null;
        Raise(Status == RegistrationStatus.Confirmed ? new RegistrationConfirmed(EventId, MemberId, Id, now, ConfirmedBy.Approval) : HoldNotice(now));
        return Result.Success();
    }

    public Result Decline(string reason, DateTimeOffset now)
    {
        if (Status != RegistrationStatus.PendingApproval) return RegistrationErrors.NotPendingApproval;
        End(RegistrationStatus.Declined, reason, now);
        Raise(new ApplicationDeclined(EventId, MemberId, Id, now));
        return Result.Success();
    }

    /// <summary>The member cancels, before the event's cancellation deadline.</summary>
    public Result Cancel(Event e, DateTimeOffset now)
    {
        if (!IsActive) return RegistrationErrors.NotCancellable;
        if (e.HasStarted(now)) return RegistrationErrors.EventStarted;
        if (Status == RegistrationStatus.Confirmed && !e.CanMemberCancel(now)) return RegistrationErrors.CancellationClosed;
        End(RegistrationStatus.Cancelled, null, now);
        Raise(new RegistrationCancelled(EventId, MemberId, Id, now, EventCancelled: false));
        return Result.Success();
    }

    /// <summary>
    /// The member deleted their account: an active registration for an event not yet begun ends, past the
    /// cancellation deadline too; what that gives back is <see cref="Event.RefundOnMemberCancellation"/>'s answer.
    /// </summary>
    public Result CancelForAccountDeletion(Event e, DateTimeOffset now)
    {
        if (!IsActive) return RegistrationErrors.NotCancellable;
        if (e.HasStarted(now)) return RegistrationErrors.EventStarted;
        End(RegistrationStatus.Cancelled, AccountDeletedReason, now);
        return Result.Success();
    }

    /// <summary>An organizer removes the registration, saying why.</summary>
    public Result Remove(Event e, string reason, DateTimeOffset now)
    {
        if (!IsActive) return RegistrationErrors.NotCancellable;
        if (e.HasStarted(now)) return RegistrationErrors.EventStarted;
        var trimmed = reason.Trim();
        if (trimmed.Length is 0 or > 500)
            return Error.Validation("registration.invalid", new Dictionary<string, string[]> { ["reason"] = ["Say why (at most 500 characters)."] });
        End(RegistrationStatus.Removed, trimmed, now);
        Raise(new RegistrationRemoved(EventId, MemberId, Id, now, trimmed));
        return Result.Success();
    }

    /// <summary>The payment hold ran out. Returns false when it had not (or was no hold).</summary>
    public bool ExpireHold(DateTimeOffset now)
    {
        if (Status != RegistrationStatus.PendingPayment || HoldExpiresAt > now) return false;
        End(RegistrationStatus.Expired, null, now);
        Raise(new HoldExpired(EventId, MemberId, Id, now));
        return true;
    }

    /// <summary>The event was cancelled: every active registration ends.</summary>
    public void EventCancelled(DateTimeOffset now)
    {
        if (!IsActive) return;
        End(RegistrationStatus.Cancelled, "event_cancelled", now);
        Raise(new RegistrationCancelled(EventId, MemberId, Id, now, EventCancelled: true));
    }

    /// <summary>Payment arrived for a held seat. Returns false when there was no hold to confirm.</summary>
    public bool ConfirmPayment(DateTimeOffset now)
    {
        if (Status != RegistrationStatus.PendingPayment) return false;
        Status = RegistrationStatus.Confirmed;
        HoldExpiresAt = null;
        ConfirmedAt = now;
        Raise(new RegistrationConfirmed(EventId, MemberId, Id, now, ConfirmedBy.Payment));
        return true;
    }

    /// <summary>
    /// Payment arrived after the hold had expired: the registration comes back, confirmed, if the caller found a
    /// seat for it (under the event's lock). Returns false when it was not an expired hold.
    /// </summary>
    public bool ConfirmLatePayment(DateTimeOffset now)
    {
        if (Status != RegistrationStatus.Expired) return false;
        Status = RegistrationStatus.Confirmed;
        ConfirmedAt = now;
        EndedAt = null;
        EndReason = null;
        Raise(new RegistrationConfirmed(EventId, MemberId, Id, now, ConfirmedBy.LatePayment));
        return true;
    }

    /// <summary>Deletes the answers (a set time after the event, or when the member deletes the account). Returns whether there were any.</summary>
    public bool ForgetAnswers()
    {
        if (Answers.Count == 0) return false;
        Answers = [];
        return true;
    }

    /// <summary>A Checkout Session lasts at least 30 minutes; the hold must last at least as long as the session.</summary>
    public void ExtendHold(DateTimeOffset until)
    {
        if (Status == RegistrationStatus.PendingPayment && HoldExpiresAt < until) HoldExpiresAt = until;
    }

    /// <summary>The delayed payment failed or the session expired: the hold ends now.</summary>
    public bool EndHoldUnpaid(DateTimeOffset now)
    {
        if (Status != RegistrationStatus.PendingPayment) return false;
        End(RegistrationStatus.Expired, "payment_not_completed", now);
        Raise(new HoldExpired(EventId, MemberId, Id, now));
        return true;
    }

    private void End(RegistrationStatus status, string? reason, DateTimeOffset now)
    {
        Status = status;
        EndReason = reason;
        EndedAt = now;
        HoldExpiresAt = null;
    }

    private static string NewCheckInCode()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        Span<byte> bytes = stackalloc byte[20];
        RandomNumberGenerator.Fill(bytes);
        return string.Create(20, bytes.ToArray(), (span, b) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[b[i] % alphabet.Length];
        });
    }
}

public enum WaitlistStatus
{
    Waiting,
    /// <summary>A seat is held for this member until the offer deadline.</summary>
    Offered,
    Accepted,
    Declined,
    Expired,
    Left,
    /// <summary>The event was cancelled while waiting.</summary>
    Closed,
}

/// <summary>A place in an event's waitlist (補欠), promoted in order of joining.</summary>
public sealed class WaitlistEntry : AggregateRoot
{
    private WaitlistEntry() { }

    public Guid Id { get; private set; }
    public Guid EventId { get; private set; }
    public Guid MemberId { get; private set; }
    public Guid TicketTypeId { get; private set; }
    public WaitlistStatus Status { get; private set; }
    public DateTimeOffset JoinedAt { get; private set; }
    public DateTimeOffset? OfferedAt { get; private set; }
    public DateTimeOffset? OfferExpiresAt { get; private set; }
    public DateTimeOffset? RespondedAt { get; private set; }
    public List<Answer> Answers { get; private set; } = [];
    public bool PledgeAccepted { get; private set; }

    public bool IsOpen => Status is WaitlistStatus.Waiting or WaitlistStatus.Offered;

    public static WaitlistEntry Join(Guid eventId, Guid memberId, Guid ticketTypeId, IReadOnlyList<Answer> answers, bool pledgeAccepted, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        EventId = eventId,
        MemberId = memberId,
        TicketTypeId = ticketTypeId,
        Status = WaitlistStatus.Waiting,
        JoinedAt = now,
        Answers = [.. answers],
        PledgeAccepted = pledgeAccepted,
    };

    public void Offer(DateTimeOffset deadline, DateTimeOffset now)
    {
        if (Status != WaitlistStatus.Waiting) throw new InvalidOperationException("Only a waiting member can be offered a seat.");
        Status = WaitlistStatus.Offered;
        OfferedAt = now;
        OfferExpiresAt = deadline;
        Raise(new WaitlistOfferMade(EventId, MemberId, Id, now, deadline));
    }

    public Result Accept(DateTimeOffset now)
    {
        if (Status != WaitlistStatus.Offered || now >= OfferExpiresAt) return WaitlistErrors.OfferNotOpen;
        Status = WaitlistStatus.Accepted;
        RespondedAt = now;
        return Result.Success();
    }

    public Result Decline(DateTimeOffset now)
    {
        if (Status != WaitlistStatus.Offered) return WaitlistErrors.OfferNotOpen;
        Status = WaitlistStatus.Declined;
        RespondedAt = now;
        return Result.Success();
    }

    public bool ExpireOffer(DateTimeOffset now)
    {
        if (Status != WaitlistStatus.Offered || now < OfferExpiresAt) return false;
        Status = WaitlistStatus.Expired;
        RespondedAt = now;
        Raise(new WaitlistOfferExpired(EventId, MemberId, Id, now));
        return true;
    }

    public Result Leave(DateTimeOffset now)
    {
        if (!IsOpen) return WaitlistErrors.NotWaiting;
        Status = WaitlistStatus.Left;
        RespondedAt = now;
        return Result.Success();
    }

    public void Close(DateTimeOffset now)
    {
        if (!IsOpen) return;
        Status = WaitlistStatus.Closed;
        RespondedAt = now;
        Raise(new WaitlistClosed(EventId, MemberId, Id, now));
    }

    /// <summary>Deletes the answers given on joining (kept for the registration an offer would make). Returns whether there were any.</summary>
    public bool ForgetAnswers()
    {
        if (Answers.Count == 0) return false;
        Answers = [];
        return true;
    }
}

/// <summary>A scan at the door, per session (a cohort has several).</summary>
public sealed class CheckIn
{
    private CheckIn() { }

    public CheckIn(Guid registrationId, Guid sessionId, Guid checkedInBy, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        RegistrationId = registrationId;
        SessionId = sessionId;
        CheckedInBy = checkedInBy;
        CheckedInAt = now;
    }

    public Guid Id { get; private set; }
    public Guid RegistrationId { get; private set; }
    public Guid SessionId { get; private set; }
    public Guid CheckedInBy { get; private set; }
    public DateTimeOffset CheckedInAt { get; private set; }
}
