using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Xunit;

namespace Assemble.Domain.UnitTests.Events;

public sealed class CheckRegistrationTests
{
    private static readonly DateTimeOffset Now = EventBuilder.Now;
    private static readonly DateTimeOffset Start = EventBuilder.Start;

    private static readonly Question Motivation = new(Guid.NewGuid(), "参加動機", QuestionKind.Text, [], Required: true);
    private static readonly Question Attendance = new(Guid.NewGuid(), "参加形態", QuestionKind.SingleChoice, ["会場", "オンライン"], Required: true);
    private static readonly Question Topics = new(Guid.NewGuid(), "関心のあるテーマ", QuestionKind.MultipleChoice, ["トラウマ", "CBT", "家族療法"], Required: false);

    private static Event WithQuestionnaire() => new EventBuilder().WithQuestions(Motivation, Attendance, Topics).Published();

    private static IReadOnlyList<Answer> ValidAnswers() =>
    [
        new(Motivation.Id, "臨床で困っている事例があるため", null),
        new(Attendance.Id, null, ["会場"]),
    ];

    private static string? CheckCode(Event e, RegistrationAttempt attempt, DateTimeOffset? now = null)
        => e.CheckRegistration(attempt, now ?? Now).Error?.Code;

    [Fact]
    public void CheckRegistration_WhenEverythingIsInOrder_Succeeds()
    {
        var e = new EventBuilder().Published();
        Assert.True(e.CheckRegistration(EventBuilder.Attempt(e), Now).IsSuccess);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void CheckRegistration_ForAMembersOnlyEventOrTicket_AdmitsActiveMembersOnly(bool wholeEvent, bool ticket)
    {
        var builder = new EventBuilder().WithTicket(membersOnly: ticket).WithTicket(name: "一般（非会員も可）");
        var e = (wholeEvent ? builder.ForMembersOnly() : builder).Published();
        Assert.Equal("registration.members_only", CheckCode(e, EventBuilder.Attempt(e)));
        Assert.Null(CheckCode(e, EventBuilder.Attempt(e, activeMember: true)));
        Assert.Equal(wholeEvent ? "registration.members_only" : null, CheckCode(e, EventBuilder.Attempt(e, ticketTypeId: e.TicketTypes[1].Id)));
    }

    [Fact]
    public void CheckRegistration_WhenCancelled_ReturnsEventCancelled()
    {
        var e = new EventBuilder().Published();
        e.Cancel("中止", [], [], Now);
        Assert.Equal("registration.event_cancelled", CheckCode(e, EventBuilder.Attempt(e)));
    }

    [Fact]
    public void CheckRegistration_WhenDraft_ReturnsNotOpen()
    {
        var e = new EventBuilder().Draft();
        Assert.Equal("registration.not_open", CheckCode(e, EventBuilder.Attempt(e)));
    }

    [Fact]
    public void CheckRegistration_WhenStarted_ReturnsEventStarted()
    {
        var e = new EventBuilder().Published();
        Assert.Equal("registration.event_started", CheckCode(e, EventBuilder.Attempt(e), Start));
    }

    [Fact]
    public void CheckRegistration_WhenEmailUnconfirmed_ReturnsEmailUnconfirmed()
    {
        var e = new EventBuilder().Published();
        Assert.Equal("registration.email_unconfirmed", CheckCode(e, EventBuilder.Attempt(e, emailConfirmed: false)));
    }

    [Fact]
    public void CheckRegistration_WithAnotherEventsTicketType_ReturnsUnknownTicketType()
    {
        var e = new EventBuilder().Published();
        Assert.Equal("registration.unknown_ticket_type", CheckCode(e, EventBuilder.Attempt(e, ticketTypeId: Guid.NewGuid())));
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(48, true)]
    [InlineData(72, false)]
    [InlineData(96, false)]
    public void CheckRegistration_OutsideTheSalesWindow_ReturnsSalesClosed(int hoursFromNow, bool onSale)
    {
        var e = new EventBuilder().WithTicket(salesStartAt: Now, salesEndAt: Now.AddHours(72)).Published(Now.AddHours(-2));
        var code = CheckCode(e, EventBuilder.Attempt(e), Now.AddHours(hoursFromNow));
        Assert.Equal(onSale ? null : "registration.sales_closed", code);
    }

    [Theory]
    [InlineData(0, "registration.too_many")]
    [InlineData(-1, "registration.too_many")]
    [InlineData(1, null)]
    [InlineData(3, null)]
    [InlineData(4, "registration.too_many")]
    public void CheckRegistration_QuantityOutsideOneToMaxPerMember_ReturnsTooMany(int quantity, string? expected)
    {
        var e = new EventBuilder().WithTicket(maxPerMember: 3).Published();
        Assert.Equal(expected, CheckCode(e, EventBuilder.Attempt(e, quantity: quantity)));
    }

    [Fact]
    public void CheckRegistration_ForVerifiedProfessionalsWithoutAVerifiedProfession_ReturnsNotEligible()
    {
        var e = new EventBuilder().ForAudience(Audience.VerifiedProfessionals).Published();
        Assert.Equal("registration.not_eligible", CheckCode(e, EventBuilder.Attempt(e)));
        Assert.Null(CheckCode(e, EventBuilder.Attempt(e, verifiedProfessions: [Profession.Coach])));
    }

    [Fact]
    public void CheckRegistration_ForChosenProfessions_AdmitsOnlyThem()
    {
        var e = new EventBuilder().ForAudience(Audience.Professions, Profession.ClinicalPsychologist, Profession.CertifiedPublicPsychologist).Published();
        Assert.Equal("registration.not_eligible", CheckCode(e, EventBuilder.Attempt(e)));
        Assert.Equal("registration.not_eligible", CheckCode(e, EventBuilder.Attempt(e, verifiedProfessions: [Profession.Nurse])));
        Assert.Null(CheckCode(e, EventBuilder.Attempt(e, verifiedProfessions: [Profession.Nurse, Profession.CertifiedPublicPsychologist])));
    }

    [Fact]
    public void CheckRegistration_ForAllMembers_AdmitsMembersWithoutCredentials()
    {
        var e = new EventBuilder().Published();
        Assert.True(e.IsEligible([]));
    }

    [Fact]
    public void CheckRegistration_LiveSupervisionWithoutAVerifiedProfession_ReturnsNotEligible()
    {
        var e = new EventBuilder().AsLiveSupervision().Published();
        Assert.Equal("registration.not_eligible", CheckCode(e, EventBuilder.Attempt(e, pledgeAccepted: true)));
    }

    [Fact]
    public void CheckRegistration_LiveSupervisionWithoutThePledge_ReturnsPledgeRequired()
    {
        var e = new EventBuilder().AsLiveSupervision().Published();
        var result = e.CheckRegistration(EventBuilder.Attempt(e, verifiedProfessions: [Profession.Nurse]), Now);
        Assert.Equal("registration.pledge_required", result.Error!.Code);
        Assert.Equal(ErrorKind.Rule, result.Error.Kind);
    }

    [Fact]
    public void CheckRegistration_LiveSupervisionWithProfessionAndPledge_Succeeds()
    {
        var e = new EventBuilder().AsLiveSupervision().Published();
        Assert.Null(CheckCode(e, EventBuilder.Attempt(e, verifiedProfessions: [Profession.Nurse], pledgeAccepted: true)));
    }

    [Fact]
    public void CheckRegistration_WithValidAnswers_Succeeds()
    {
        var e = WithQuestionnaire();
        var answers = ValidAnswers().Append(new Answer(Topics.Id, null, ["トラウマ", "CBT"])).ToList();
        Assert.True(e.CheckRegistration(EventBuilder.Attempt(e, answers: answers), Now).IsSuccess);
    }

    [Fact]
    public void CheckRegistration_WithoutARequiredAnswer_ReturnsInvalidAnswersForThatQuestion()
    {
        var e = WithQuestionnaire();
        var answers = new List<Answer> { new(Motivation.Id, "   ", null) };
        var result = e.CheckRegistration(EventBuilder.Attempt(e, answers: answers), Now);
        Assert.Equal("registration.invalid_answers", result.Error!.Code);
        Assert.Equal(ErrorKind.Validation, result.Error.Kind);
        Assert.Equal(
            new[] { $"answers.{Motivation.Id}", $"answers.{Attendance.Id}" }.Order(),
            result.Error.Fields.Keys.Order());
    }

    [Fact]
    public void CheckRegistration_WithAnAnswerToAnUnknownQuestion_ReturnsThatQuestionId()
    {
        var e = WithQuestionnaire();
        var stray = Guid.NewGuid();
        var answers = ValidAnswers().Append(new Answer(stray, "?", null)).ToList();
        var result = e.CheckRegistration(EventBuilder.Attempt(e, answers: answers), Now);
        Assert.Equal("registration.invalid_answers", result.Error!.Code);
        Assert.Equal([$"answers.{stray}"], result.Error.Fields.Keys);
    }

    [Fact]
    public void CheckRegistration_WithAChoiceNotAmongTheOptions_ReturnsThatQuestion()
    {
        var e = WithQuestionnaire();
        var answers = ValidAnswers().Append(new Answer(Topics.Id, null, ["トラウマ", "精神分析"])).ToList();
        var result = e.CheckRegistration(EventBuilder.Attempt(e, answers: answers), Now);
        Assert.Equal("registration.invalid_answers", result.Error!.Code);
        Assert.Equal([$"answers.{Topics.Id}"], result.Error.Fields.Keys);
    }

    [Fact]
    public void CheckRegistration_WithTwoChoicesForASingleChoice_ReturnsThatQuestion()
    {
        var e = WithQuestionnaire();
        var answers = new List<Answer> { new(Motivation.Id, "学びたい", null), new(Attendance.Id, null, ["会場", "オンライン"]) };
        var result = e.CheckRegistration(EventBuilder.Attempt(e, answers: answers), Now);
        Assert.Equal("registration.invalid_answers", result.Error!.Code);
        Assert.Equal([$"answers.{Attendance.Id}"], result.Error.Fields.Keys);
    }

    [Fact]
    public void CheckRegistration_WithAnOverlongTextAnswer_ReturnsThatQuestion()
    {
        var e = WithQuestionnaire();
        var answers = new List<Answer> { new(Motivation.Id, new string('あ', 2001), null), new(Attendance.Id, null, ["会場"]) };
        var result = e.CheckRegistration(EventBuilder.Attempt(e, answers: answers), Now);
        Assert.Equal([$"answers.{Motivation.Id}"], result.Error!.Fields.Keys);
    }

    [Fact]
    public void CheckRegistration_ChecksTheEventBeforeTheMember()
    {
        var e = new EventBuilder().Draft();
        Assert.Equal("registration.not_open", CheckCode(e, EventBuilder.Attempt(e, emailConfirmed: false, quantity: 0)));
    }
}
