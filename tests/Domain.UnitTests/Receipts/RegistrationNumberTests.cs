using Assemble.Domain.Receipts;
using Xunit;

namespace Assemble.Domain.UnitTests.Receipts;

public sealed class RegistrationNumberTests
{
    [Theory]
    // 国税庁's worked example (checkdigit.pdf): base 123456789012 gives 7.
    [InlineData("123456789012", 7)]
    // 日本税理士会連合会's 法人番号 7010705000725, printed as T7010705000725 on its invoices.
    [InlineData("010705000725", 7)]
    [InlineData("000000000000", 9)]
    [InlineData("999999999999", 9)]
    public void The_check_digit_follows_the_ministry_formula(string twelve, int check)
        => Assert.Equal(check, RegistrationNumber.CheckDigit(twelve));

    [Theory]
    [InlineData("T7010705000725", "T7010705000725")]
    [InlineData("7010705000725", "T7010705000725")]
    [InlineData("t7-0107-0500-0725", "T7010705000725")]
    [InlineData("Ｔ７０１０７０５０００７２５", "T7010705000725")]
    [InlineData(" T 7010 7050 0072 5 ", "T7010705000725")]
    public void A_valid_number_is_read_as_people_type_it(string typed, string printed)
        => Assert.Equal(printed, RegistrationNumber.Parse(typed).Value!.Value);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("T")]
    [InlineData("T701070500072")]    // 12 digits
    [InlineData("T70107050007250")]  // 14 digits
    [InlineData("T6010705000725")]   // wrong check digit
    [InlineData("T7010705000724")]   // one base digit wrong
    [InlineData("T7010705000752")]   // two base digits swapped
    [InlineData("T70107050007２a")]
    [InlineData("X7010705000725")]
    public void Anything_else_is_refused_with_one_code(string? typed)
        => Assert.Equal("issuer.registration_number_invalid", RegistrationNumber.Parse(typed).Error!.Code);

    [Fact]
    public void Every_single_digit_error_is_caught_but_a_zero_and_nine_swap()
    {
        const string valid = "7010705000725";
        for (var position = 1; position < 13; position++)
            for (var digit = '0'; digit <= '9'; digit++)
            {
                if (digit == valid[position]) continue;
                var typo = valid[..position] + digit + valid[(position + 1)..];
                var zeroNine = (digit, valid[position]) is ('0', '9') or ('9', '0');
                Assert.Equal(zeroNine, RegistrationNumber.Parse(typo).IsSuccess);
            }
    }
}
