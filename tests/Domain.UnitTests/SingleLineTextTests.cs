using Assemble.Domain.Common;
using Xunit;

namespace Assemble.Domain.UnitTests;

public sealed class SingleLineTextTests
{
    [Theory]
    [InlineData("トラウマ臨床の勉強会 第3回")]
    [InlineData("Live supervision: CBT for adolescents")]
    [InlineData("全角スペース　も可")]
    public void IsSingleLine_WhenOneLineOfText_ReturnsTrue(string text) => Assert.True(SingleLineText.IsSingleLine(text));

    [Theory]
    [InlineData("勉強会\r\nBcc: all@example.jp")]
    [InlineData("勉強会\n第3回")]
    [InlineData("勉強会\t第3回")]
    [InlineData("勉強会\0")]
    [InlineData("勉強会\u0085")]
    [InlineData("勉強会\u2028第3回")]
    public void IsSingleLine_WhenLineBreakOrControlCharacter_ReturnsFalse(string text) => Assert.False(SingleLineText.IsSingleLine(text));
}
