using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class StripeSettingsTests
{
    private sealed class KeyWithSpaceFactory : ApiFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Stripe:ApiKey"] = "sk_test_abc def" };
    }

    [Fact]
    public async Task A_stripe_key_with_whitespace_stops_the_start_instead_of_failing_every_registration()
    {
        var api = new KeyWithSpaceFactory();
        await ((IAsyncLifetime)api).InitializeAsync();
        try
        {
            var failure = Assert.ThrowsAny<Exception>(() => api.CreateClient());
            Assert.Contains("Stripe:ApiKey contains whitespace", failure.ToString());
            Assert.DoesNotContain("sk_test_abc", failure.ToString());
        }
        finally
        {
            await ((IAsyncLifetime)api).DisposeAsync();
        }
    }
}
