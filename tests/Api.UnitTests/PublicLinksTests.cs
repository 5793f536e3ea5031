using Assemble.Infrastructure.Email;
using Microsoft.Extensions.Options;
using Xunit;

namespace Assemble.Api.UnitTests;

public sealed class PublicLinksTests
{
    [Theory]
    [InlineData("https://assemble.example.org")]
    [InlineData("https://example.org/assemble/")]
    [InlineData("http://localhost:5080")]
    [InlineData("http://127.0.0.1")]
    public void IsValid_WhenHttpsOrLoopbackHttp_ReturnsTrue(string url) => Assert.True(PublicLinks.IsValid(url));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("assemble.example.org")]
    [InlineData("/api")]
    [InlineData("http://assemble.example.org")]
    [InlineData("ftp://assemble.example.org")]
    public void IsValid_WhenNotHttpsOutsideThisMachine_ReturnsFalse(string? url) => Assert.False(PublicLinks.IsValid(url));

    [Fact]
    public void To_and_Rebase_keep_a_path_prefix_and_drop_the_request_host()
    {
        var links = new PublicLinks(Options.Create(new AppOptions { PublicBaseUrl = "https://example.org/assemble" }));
        Assert.Equal("https://example.org/assemble/api/mail/unsubscribe?token=a%2Bb", links.To("/api/mail/unsubscribe?token=a%2Bb"));
        Assert.Equal("https://example.org/assemble/api/auth/confirmEmail?userId=1&code=x",
            links.Rebase("http://attacker.example/api/auth/confirmEmail?userId=1&code=x"));
    }
}
