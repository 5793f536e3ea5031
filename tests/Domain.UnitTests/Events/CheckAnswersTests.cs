using Assemble.Domain.Events;
using Xunit;

namespace Assemble.Domain.UnitTests.Events;

public sealed class CheckAnswersTests
{
    private static readonly Question Choice = new(Guid.NewGuid(), "所属機関の種別", QuestionKind.MultipleChoice, ["病院", "クリニック", "学校"], Required: true);

    private static Event WithQuestion() => new EventBuilder().WithQuestions(Choice).Published();

    [Fact]
    public void CheckAnswers_WhenChoicesFromTheOptions_Succeeds()
        => Assert.True(WithQuestion().CheckAnswers([new Answer(Choice.Id, null, ["病院", "学校"])]).IsSuccess);

    [Fact]
    public void CheckAnswers_WhenAQuestionIsAnsweredTwice_ReturnsInvalidAnswers()
        => Assert.Equal("registration.invalid_answers",
            WithQuestion().CheckAnswers([new Answer(Choice.Id, null, ["病院"]), new Answer(Choice.Id, new string('x', 100_000), null)]).Error!.Code);

    [Fact]
    public void CheckAnswers_WhenAChoiceQuestionCarriesText_ReturnsInvalidAnswers()
        => Assert.Equal("registration.invalid_answers", WithQuestion().CheckAnswers([new Answer(Choice.Id, new string('x', 100_000), ["病院"])]).Error!.Code);

    [Fact]
    public void CheckAnswers_WhenAnOptionIsRepeated_ReturnsInvalidAnswers()
        => Assert.Equal("registration.invalid_answers", WithQuestion().CheckAnswers([new Answer(Choice.Id, null, Enumerable.Repeat("病院", 20_000).ToList())]).Error!.Code);
}
