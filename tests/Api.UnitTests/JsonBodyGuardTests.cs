using System.Text;
using Assemble.Api.Common;
using Xunit;

namespace Assemble.Api.UnitTests;

public sealed class JsonBodyGuardTests
{
    [Theory]
    [InlineData("""{"a":[1,null]}""", "a[1]")]
    [InlineData("""[null]""", "[0]")]
    [InlineData("""{"a":[{"b":[{"c":[true, {"d": 1}, null]}]}]}""", "a[0].b[0].c[2]")]
    [InlineData("""{"x":{"y":[ "s", [], {}, null ]}}""", "x.y[3]")]
    [InlineData("""{"a":null,"b":[1,2],"c":{"d":null}}""", null)]
    [InlineData("""{"a":[1,2}""", null)]
    [InlineData("""not json""", null)]
    public void Finds_the_first_null_element_and_only_in_lists(string json, string? expected)
        => Assert.Equal(expected, JsonBodyGuard.FirstBreach(Encoding.UTF8.GetBytes(json))?.Place);

    [Fact]
    public void Every_list_and_string_has_a_maximum()
    {
        var items = "{\"a\":{\"b\":[" + string.Join(",", Enumerable.Repeat("1", JsonBodyGuard.MaxItems + 1)) + "]}}";
        Assert.Equal(("a.b", "At most 1,000 items."), JsonBodyGuard.FirstBreach(Encoding.UTF8.GetBytes(items)));
        var enough = "[" + string.Join(",", Enumerable.Repeat("{}", JsonBodyGuard.MaxItems)) + "]";
        Assert.Null(JsonBodyGuard.FirstBreach(Encoding.UTF8.GetBytes(enough)));
        var text = "{\"bio\":\"" + new string('あ', JsonBodyGuard.MaxChars + 1) + "\"}";
        Assert.Equal("bio", JsonBodyGuard.FirstBreach(Encoding.UTF8.GetBytes(text))?.Place);
        Assert.Null(JsonBodyGuard.FirstBreach(Encoding.UTF8.GetBytes("{\"bio\":\"" + new string('あ', JsonBodyGuard.MaxChars) + "\"}")));
    }
}
