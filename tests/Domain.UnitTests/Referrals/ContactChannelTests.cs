using Assemble.Domain.Referrals;
using Xunit;

namespace Assemble.Domain.UnitTests.Referrals;

public sealed class ContactChannelTests
{
    [Theory]
    [InlineData(ContactKind.Email, "office@example.jp")]
    [InlineData(ContactKind.Email, "taro.yamada+referrals@counselling.example.co.jp")]
    [InlineData(ContactKind.Email, "ｏｆｆｉｃｅ＠ｅｘａｍｐｌｅ．ｊｐ")]
    [InlineData(ContactKind.Phone, "03-1234-5678")]
    [InlineData(ContactKind.Phone, "090-1234-5678")]
    [InlineData(ContactKind.Phone, "0120-123-456")]
    [InlineData(ContactKind.Phone, "0312345678")]
    [InlineData(ContactKind.Phone, "06 6123 4567")]
    [InlineData(ContactKind.Phone, "０６－６１２３－４５６７")]
    [InlineData(ContactKind.Phone, "+81 6-6123-4567")]
    [InlineData(ContactKind.Phone, "+819012345678")]
    [InlineData(ContactKind.Website, "https://counselling.example.jp/contact")]
    [InlineData(ContactKind.Website, "https://example.jp")]
    public void Create_WhenTheValueFitsItsKind_Succeeds(ContactKind kind, string value)
        => Assert.True(ContactChannel.Create(kind, value).IsSuccess);

    [Theory]
    [InlineData(ContactKind.Email, "office.example.jp")]
    [InlineData(ContactKind.Email, "office@example")]
    [InlineData(ContactKind.Email, "@example.jp")]
    [InlineData(ContactKind.Email, "a@b.jp, c@d.jp")]
    [InlineData(ContactKind.Email, "a@b.jp c@d.jp")]
    [InlineData(ContactKind.Email, "a@b.jp;c@d.jp")]
    [InlineData(ContactKind.Email, "Taro <taro@example.jp>")]
    [InlineData(ContactKind.Email, "taro@@example.jp")]
    [InlineData(ContactKind.Email, "taro@example..jp")]
    [InlineData(ContactKind.Phone, "call me")]
    [InlineData(ContactKind.Phone, "03-1234-5678 (山田)")]
    [InlineData(ContactKind.Phone, "090-1234-567x")]
    [InlineData(ContactKind.Phone, "03-1234")]
    [InlineData(ContactKind.Phone, "003-1234-5678")]
    [InlineData(ContactKind.Phone, "03-1234-5678 / 090-1234-5678")]
    [InlineData(ContactKind.Phone, "+81 03-1234-5678")]
    [InlineData(ContactKind.Phone, "+81 6-6123")]
    [InlineData(ContactKind.Website, "http://counselling.example.jp/contact")]
    [InlineData(ContactKind.Website, "https://counselling.example.jp/contact?patient=yamada")]
    [InlineData(ContactKind.Website, "https://counselling.example.jp/contact?")]
    [InlineData(ContactKind.Website, "https://counselling.example.jp/#yamada")]
    [InlineData(ContactKind.Website, "https://taro:secret@counselling.example.jp/")]
    [InlineData(ContactKind.Website, "https://192.168.0.1/")]
    [InlineData(ContactKind.Website, "https://localhost/")]
    [InlineData(ContactKind.Website, "javascript:alert(1)")]
    [InlineData(ContactKind.Website, "counselling.example.jp")]
    [InlineData(ContactKind.Website, "https://example.jp/a b")]
    [InlineData(ContactKind.Email, "")]
    [InlineData(ContactKind.Phone, "   ")]
    public void Create_WhenTheValueDoesNotFitItsKind_NamesTheValueFieldWithoutEchoingIt(ContactKind kind, string value)
    {
        var result = ContactChannel.Create(kind, value);
        Assert.Equal("contact.invalid", result.Error!.Code);
        var message = Assert.Single(result.Error.Fields["contact.value"]);
        // The message says what is wanted; it is the same whatever was given, so it never repeats the value.
        if (value.Trim().Length > 0) Assert.Equal(ContactChannel.Create(kind, "?").Error!.Fields["contact.value"][0], message);
    }

    [Fact]
    public void Create_WhenTheValueIsFullWidth_StoresItFolded()
        => Assert.Equal("06-6123-4567", ContactChannel.Create(ContactKind.Phone, " ０６－６１２３－４５６７ ").Value!.Value);

    [Fact]
    public void ContactKind_HasNoFreeTextKind()
        => Assert.Equal([ContactKind.Email, ContactKind.Phone, ContactKind.Website], Enum.GetValues<ContactKind>());
}
