using System.Text;
using Assemble.Api.Common;
using Xunit;

namespace Assemble.Api.IntegrationTests.Unit;

public sealed class JsonNullElementGuardTests
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
        => Assert.Equal(expected, JsonNullElementGuard.FirstNullElement(Encoding.UTF8.GetBytes(json)));
}
