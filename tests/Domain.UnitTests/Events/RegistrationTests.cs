using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Xunit;

namespace Assemble.Domain.UnitTests.Events;

public sealed class RegistrationTests
{
    private static readonly DateTimeOffset Now = EventBuilder.Now;
    private static readonly DateTimeOffset Start = EventBuilder.Start;
    private const string CheckInAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private static Registration Register(Event e, int quantity = 1, Guid? waitlistEntryId = null, DateTimeOffset? now = null, bool activeMember = false)
        => Registration.Start(e, EventBuilder.Attempt(e, quantity: quantity, activeMember: activeMember), now ?? Now, waitlistEntryId);

    private static (Event Event, Registration Registration) Free()
    {
        var e = new EventBuilder().Published();
        return (e, Register(e));
    }

    private static (Event Event, Registration Registration) Paid(int priceYen = 3000)
    {
        var e = new EventBuilder().WithTicket(priceYen: priceYen).Published();
        return (e, Register(e));
    }

    private static (Event Event, Registration Registration) Application(int priceYen = 0)
    {
        var e = new EventBuilder().WithKind(EventKind.CoachingCohort).RequiringApproval().WithTicket(priceYen: priceYen).Published();
        return (e, Register(e));
    }

    [Fact]
    public void Start_FreeTicket_IsConfirmedAtOnce()
    {
        var (e, r) = Free();
        Assert.Equal(RegistrationStatus.Confirmed, r.Status);
        Assert.Equal(0, r.AmountYen);
        Assert.Equal(Now, r.ConfirmedAt);
        Assert.Null(r.HoldExpiresAt);
        Assert.True(r.IsActive);
        Assert.True(r.HoldsSeats);
        Assert.Equal(e.Id, r.EventId);
        Assert.Equal(e.TicketTypes[0].Id, r.TicketTypeId);
        Assert.Equal(Now, r.CreatedAt);
    }

    [Fact]
    public void Start_PaidTicket_IsPendingPaymentUntilTheHoldDeadline()
    {
        var (e, r) = Paid();
        Assert.Equal(RegistrationStatus.PendingPayment, r.Status);
        Assert.Equal(e.HoldDeadline(Now), r.HoldExpiresAt);
        Assert.Equal(Now.AddMinutes(30), r.HoldExpiresAt);
        Assert.Null(r.ConfirmedAt);
        Assert.True(r.HoldsSeats);
    }

    [Fact]
    public void Start_PaidTicketJustBeforeTheStart_HoldsOnlyUntilTheStart()
    {
        var startsAt = Now.AddMinutes(10);
        var e = new EventBuilder().StartingAt(startsAt).WithTicket(priceYen: 3000).Published();
        Assert.Equal(startsAt, Register(e).HoldExpiresAt);
    }

    [Fact]
    public void Start_ForAnActiveMember_AmountIsTheMemberPriceTimesTheQuantity()
    {
        var e = new EventBuilder().WithTicket(priceYen: 5000, memberPriceYen: 4000, maxPerMember: 3).Published();
        var r = Register(e, quantity: 3, activeMember: true);
        Assert.Equal(12_000, r.AmountYen);
        Assert.Equal(3, r.Quantity);
    }

    [Fact]
    public void Start_ForANonMember_AmountIsThePriceTimesTheQuantity()
    {
        var e = new EventBuilder().WithTicket(priceYen: 5000, memberPriceYen: 4000, maxPerMember: 3).Published();
        Assert.Equal(15_000, Register(e, quantity: 3).AmountYen);
    }

    [Fact]
    public void Start_WhenTheMemberPriceIsFree_IsConfirmedForAMemberAndHeldForOthers()
    {
        var e = new EventBuilder().WithTicket(priceYen: 5000, memberPriceYen: 0).Published();
        Assert.Equal(RegistrationStatus.Confirmed, Register(e, activeMember: true).Status);
        Assert.Equal(RegistrationStatus.PendingPayment, Register(e).Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3000)]
    public void Start_WhenTheEventRequiresApproval_IsPendingApprovalAndHoldsNoSeat(int priceYen)
    {
        var (_, r) = Application(priceYen);
        Assert.Equal(RegistrationStatus.PendingApproval, r.Status);
        Assert.Equal(priceYen, r.AmountYen);
        Assert.Null(r.HoldExpiresAt);
        Assert.Null(r.ConfirmedAt);
        Assert.True(r.IsActive);
        Assert.False(r.HoldsSeats);
    }

    [Theory]
    [InlineData(0, RegistrationStatus.Confirmed)]
    [InlineData(3000, RegistrationStatus.PendingPayment)]
    public void Start_FromAWaitlistEntry_SkipsTheApproval(int priceYen, RegistrationStatus expected)
    {
        var e = new EventBuilder().RequiringApproval().WithTicket(priceYen: priceYen).Published();
        var entryId = Guid.NewGuid();
        var r = Register(e, waitlistEntryId: entryId);
        Assert.Equal(expected, r.Status);
        Assert.Equal(entryId, r.WaitlistEntryId);
    }

    [Fact]
    public void Start_LiveSupervision_RecordsThePledge()
    {
        var e = new EventBuilder().AsLiveSupervision().Published();
        var r = Registration.Start(e, EventBuilder.Attempt(e, verifiedProfessions: [Profession.Nurse], pledgeAccepted: true), Now);
        Assert.Equal(1, r.PledgeVersion);
        Assert.Equal(Now, r.PledgeAcceptedAt);
    }

    [Fact]
    public void Start_OtherKinds_RecordNoPledge()
    {
        var (_, r) = Free();
        Assert.Null(r.PledgeVersion);
        Assert.Null(r.PledgeAcceptedAt);
    }

    [Fact]
    public void Start_KeepsOnlyTheAnswersGiven()
    {
        var text = new Question(Guid.NewGuid(), "参加動機", QuestionKind.Text, [], false);
        var choice = new Question(Guid.NewGuid(), "関心", QuestionKind.MultipleChoice, ["CBT", "EMDR"], false);
        var e = new EventBuilder().WithQuestions(text, choice).Published();
        var answers = new List<Answer> { new(text.Id, "  ", null), new(choice.Id, null, ["EMDR"]) };
        var r = Registration.Start(e, EventBuilder.Attempt(e, answers: answers), Now);
        Assert.Equal([choice.Id], r.Answers.Select(a => a.QuestionId));
    }

    [Fact]
    public void Start_GivesA20CharacterCodeFromTheUnambiguousAlphabet()
    {
        var (_, r) = Free();
        Assert.Equal(20, r.CheckInCode.Length);
        Assert.All(r.CheckInCode, c => Assert.Contains(c, CheckInAlphabet));
        Assert.DoesNotContain(r.CheckInCode, c => c is '0' or 'O' or '1' or 'I');
    }

    [Fact]
    public void Start_GivesEachRegistrationItsOwnCodeAndId()
    {
        var e = new EventBuilder().WithCapacity(100).Published();
        var registrations = Enumerable.Range(0, 50).Select(_ => Register(e)).ToList();
        Assert.Equal(50, registrations.Select(r => r.CheckInCode).Distinct().Count());
        Assert.Equal(50, registrations.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public void Cancel_BeforeTheDeadline_Cancels()
    {
        var (e, r) = Free();
        Assert.True(r.Cancel(e, Now.AddHours(1)).IsSuccess);
        Assert.Equal(RegistrationStatus.Cancelled, r.Status);
        Assert.Equal(Now.AddHours(1), r.EndedAt);
        Assert.Null(r.EndReason);
        Assert.False(r.IsActive);
        Assert.False(r.HoldsSeats);
    }

    [Fact]
    public void Cancel_ConfirmedAfterTheDeadline_ReturnsCancellationClosed()
    {
        var (e, r) = Free();
        var result = r.Cancel(e, Start.AddHours(-e.CancellationDeadlineHours));
        Assert.Equal("registration.cancellation_closed", result.Error!.Code);
        Assert.Equal(ErrorKind.Rule, result.Error.Kind);
        Assert.Equal(RegistrationStatus.Confirmed, r.Status);
    }

    [Fact]
    public void Cancel_UnpaidHoldAfterTheDeadline_Cancels()
    {
        var startsAt = Now.AddHours(10);
        var e = new EventBuilder().StartingAt(startsAt).WithTicket(priceYen: 3000).Published();
        var r = Register(e);
        Assert.False(e.CanMemberCancel(Now));
        Assert.True(r.Cancel(e, Now).IsSuccess);
        Assert.Null(r.HoldExpiresAt);
    }

    [Fact]
    public void Cancel_AfterTheStart_ReturnsEventStarted()
    {
        var (e, r) = Application();
        Assert.Equal("registration.event_started", r.Cancel(e, Start).Error!.Code);
        Assert.Equal(RegistrationStatus.PendingApproval, r.Status);
    }

    [Fact]
    public void CancelForAccountDeletion_PastTheDeadline_CancelsAndRefundsNothing()
    {
        var (e, r) = Paid();
        Assert.True(r.ConfirmPayment(Now));
        var late = Start.AddHours(-1);
        Assert.False(e.CanMemberCancel(late));
        Assert.True(r.CancelForAccountDeletion(e, late).IsSuccess);
        Assert.Equal(RegistrationStatus.Cancelled, r.Status);
        Assert.Equal(Registration.AccountDeletedReason, r.EndReason);
        Assert.Equal(0, e.RefundOnMemberCancellation(r.AmountYen, 500, late));
    }

    [Fact]
    public void RefundOnMemberCancellation_BeforeTheDeadline_KeepsOnlyTheFee()
    {
        var (e, r) = Paid(priceYen: 3000);
        Assert.Equal(2500, e.RefundOnMemberCancellation(r.AmountYen, 500, Now));
        Assert.Equal(0, e.RefundOnMemberCancellation(r.AmountYen, 5000, Now));
        Assert.Equal(3000, e.RefundOnMemberCancellation(r.AmountYen, -1, Now));
    }

    [Fact]
    public void CancelForAccountDeletion_AfterTheStart_ReturnsEventStarted()
    {
        var (e, r) = Free();
        Assert.Equal("registration.event_started", r.CancelForAccountDeletion(e, Start).Error!.Code);
        Assert.Equal(RegistrationStatus.Confirmed, r.Status);
    }

    [Fact]
    public void ForgetAnswers_EmptiesTheAnswersOnce()
    {
        var e = new EventBuilder().WithQuestions(new Question(Guid.NewGuid(), "配慮が必要なこと", QuestionKind.Text, [], true)).Published();
        var r = Registration.Start(e, EventBuilder.Attempt(e, answers: [new Answer(e.Questions[0].Id, "車椅子", null)]), Now);
        Assert.True(r.ForgetAnswers());
        Assert.Empty(r.Answers);
        Assert.False(r.ForgetAnswers());
    }

    [Fact]
    public void Cancel_Twice_ReturnsNotCancellable()
    {
        var (e, r) = Free();
        r.Cancel(e, Now);
        var result = r.Cancel(e, Now.AddMinutes(1));
        Assert.Equal("registration.not_cancellable", result.Error!.Code);
        Assert.Equal(ErrorKind.Conflict, result.Error.Kind);
        Assert.Equal(Now, r.EndedAt);
    }

    [Fact]
    public void Remove_WithAReason_RemovesAndKeepsTheReason()
    {
        var (e, r) = Free();
        Assert.True(r.Remove(e, "  重複登録のため  ", Start.AddHours(-1)).IsSuccess);
        Assert.Equal(RegistrationStatus.Removed, r.Status);
        Assert.Equal("重複登録のため", r.EndReason);
        Assert.Equal(Start.AddHours(-1), r.EndedAt);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Remove_WithoutAReasonOrWithAnOverlongOne_ReturnsReason(bool overlong)
    {
        var (e, r) = Free();
        var result = r.Remove(e, overlong ? new string('r', 501) : "  ", Now);
        Assert.Equal("registration.invalid", result.Error!.Code);
        Assert.Equal(["reason"], result.Error.Fields.Keys);
        Assert.Equal(RegistrationStatus.Confirmed, r.Status);
    }

    [Fact]
    public void Remove_AfterTheStart_ReturnsEventStarted()
    {
        var (e, r) = Free();
        Assert.Equal("registration.event_started", r.Remove(e, "無断欠席", Start).Error!.Code);
    }

    [Fact]
    public void Remove_WhenNoLongerActive_ReturnsNotCancellable()
    {
        var (e, r) = Free();
        r.Cancel(e, Now);
        Assert.Equal("registration.not_cancellable", r.Remove(e, "重複登録のため", Now).Error!.Code);
        Assert.Equal(RegistrationStatus.Cancelled, r.Status);
    }

    [Fact]
    public void ExpireHold_BeforeItIsDue_DoesNothing()
    {
        var (_, r) = Paid();
        Assert.False(r.ExpireHold(r.HoldExpiresAt!.Value.AddTicks(-1)));
        Assert.Equal(RegistrationStatus.PendingPayment, r.Status);
    }

    [Fact]
    public void ExpireHold_OnceDue_ExpiresOnlyOnce()
    {
        var (_, r) = Paid();
        var due = r.HoldExpiresAt!.Value;
        Assert.True(r.ExpireHold(due));
        Assert.Equal(RegistrationStatus.Expired, r.Status);
        Assert.Equal(due, r.EndedAt);
        Assert.Null(r.HoldExpiresAt);
        Assert.False(r.HoldsSeats);
        Assert.False(r.ExpireHold(due.AddMinutes(1)));
        Assert.Equal(due, r.EndedAt);
    }

    [Fact]
    public void ExpireHold_WhenNotPendingPayment_DoesNothing()
    {
        var (_, free) = Free();
        Assert.False(free.ExpireHold(Now.AddDays(1)));
        Assert.Equal(RegistrationStatus.Confirmed, free.Status);

        var (_, application) = Application(3000);
        Assert.False(application.ExpireHold(Now.AddDays(1)));
        Assert.Equal(RegistrationStatus.PendingApproval, application.Status);
    }

    [Fact]
    public void Approve_FreeApplication_IsConfirmed()
    {
        var (e, r) = Application();
        Assert.True(r.Approve(e, Now.AddHours(1)).IsSuccess);
        Assert.Equal(RegistrationStatus.Confirmed, r.Status);
        Assert.Equal(Now.AddHours(1), r.ConfirmedAt);
        Assert.Null(r.HoldExpiresAt);
        Assert.True(r.HoldsSeats);
    }

    [Fact]
    public void Approve_PaidApplication_IsHeldForPayment()
    {
        var (e, r) = Application(3000);
        Assert.True(r.Approve(e, Now.AddHours(1)).IsSuccess);
        Assert.Equal(RegistrationStatus.PendingPayment, r.Status);
        Assert.Equal(Now.AddHours(1).AddMinutes(30), r.HoldExpiresAt);
        Assert.Null(r.ConfirmedAt);
    }

    [Fact]
    public void Approve_WhenNotPendingApproval_ReturnsNotPendingApproval()
    {
        var (e, r) = Free();
        var result = r.Approve(e, Now);
        Assert.Equal("registration.not_pending_approval", result.Error!.Code);
        Assert.Equal(ErrorKind.Conflict, result.Error.Kind);
        Assert.Equal(Now, r.ConfirmedAt);
    }

    [Fact]
    public void Approve_Twice_ReturnsNotPendingApproval()
    {
        var (e, r) = Application();
        r.Approve(e, Now);
        Assert.Equal("registration.not_pending_approval", r.Approve(e, Now).Error!.Code);
    }

    [Fact]
    public void Approve_AfterTheStart_ReturnsEventStarted()
    {
        var (e, r) = Application(3000);
        Assert.Equal("registration.event_started", r.Approve(e, Start.AddMinutes(5)).Error?.Code);
        Assert.Equal(RegistrationStatus.PendingApproval, r.Status);
    }

    [Fact]
    public void Decline_PendingApproval_DeclinesWithTheReason()
    {
        var (_, r) = Application();
        Assert.True(r.Decline("定員に達したため", Now.AddHours(1)).IsSuccess);
        Assert.Equal(RegistrationStatus.Declined, r.Status);
        Assert.Equal("定員に達したため", r.EndReason);
        Assert.Equal(Now.AddHours(1), r.EndedAt);
        Assert.False(r.IsActive);
    }

    [Fact]
    public void Decline_WhenNotPendingApproval_ReturnsNotPendingApproval()
    {
        var (_, r) = Free();
        Assert.Equal("registration.not_pending_approval", r.Decline("x", Now).Error!.Code);
        Assert.Equal(RegistrationStatus.Confirmed, r.Status);
    }

    [Fact]
    public void EventCancelled_EndsActiveRegistrations()
    {
        var (_, confirmed) = Free();
        var (_, held) = Paid();
        var (_, application) = Application();
        foreach (var r in new[] { confirmed, held, application })
        {
            r.EventCancelled(Now.AddHours(1));
            Assert.Equal(RegistrationStatus.Cancelled, r.Status);
            Assert.Equal("event_cancelled", r.EndReason);
            Assert.Equal(Now.AddHours(1), r.EndedAt);
            Assert.Null(r.HoldExpiresAt);
        }
    }

    [Fact]
    public void EventCancelled_LeavesEndedRegistrationsAlone()
    {
        var (e, cancelled) = Free();
        cancelled.Cancel(e, Now);
        var (_, expired) = Paid();
        expired.ExpireHold(expired.HoldExpiresAt!.Value);
        var (_, declined) = Application();
        declined.Decline("対象外", Now);

        foreach (var r in new[] { cancelled, expired, declined }) r.EventCancelled(Now.AddDays(1));

        Assert.Equal(RegistrationStatus.Cancelled, cancelled.Status);
        Assert.Null(cancelled.EndReason);
        Assert.Equal(Now, cancelled.EndedAt);
        Assert.Equal(RegistrationStatus.Expired, expired.Status);
        Assert.Equal(RegistrationStatus.Declined, declined.Status);
        Assert.Equal("対象外", declined.EndReason);
    }

    [Fact]
    public void ConfirmPayment_WhenPendingPayment_ConfirmsAndDropsTheHold()
    {
        var (_, r) = Paid();
        r.ConfirmPayment(Now.AddMinutes(5));
        Assert.Equal(RegistrationStatus.Confirmed, r.Status);
        Assert.Equal(Now.AddMinutes(5), r.ConfirmedAt);
        Assert.Null(r.HoldExpiresAt);
        Assert.False(r.ExpireHold(Now.AddDays(1)));
    }

    [Fact]
    public void ConfirmPayment_AfterTheHoldExpired_ChangesNothing()
    {
        var (_, r) = Paid();
        r.ExpireHold(r.HoldExpiresAt!.Value);
        r.ConfirmPayment(Now.AddHours(1));
        Assert.Equal(RegistrationStatus.Expired, r.Status);
        Assert.Null(r.ConfirmedAt);
    }

    [Fact]
    public void ConfirmPayment_WhenAlreadyConfirmed_KeepsTheFirstConfirmation()
    {
        var (_, r) = Paid();
        r.ConfirmPayment(Now.AddMinutes(5));
        r.ConfirmPayment(Now.AddMinutes(10));
        Assert.Equal(Now.AddMinutes(5), r.ConfirmedAt);
    }

    [Fact]
    public void CheckIn_RecordsTheSessionWhoAndWhen()
    {
        var (e, r) = Free();
        var organizer = Guid.NewGuid();
        var checkIn = new CheckIn(r.Id, e.Sessions[0].Id, organizer, Start);
        Assert.Equal(r.Id, checkIn.RegistrationId);
        Assert.Equal(e.Sessions[0].Id, checkIn.SessionId);
        Assert.Equal(organizer, checkIn.CheckedInBy);
        Assert.Equal(Start, checkIn.CheckedInAt);
    }
}
