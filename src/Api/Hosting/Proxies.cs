using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Assemble.Api.Hosting;

/// <summary>The reverse proxies (TLS terminators, load balancers) in front of the API, by address or network.</summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxies";

    /// <summary>Addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/8</c>) whose X-Forwarded-For/-Proto are believed. Empty: none.</summary>
    public List<string> Known { get; set; } = [];
}

/// <summary>
/// X-Forwarded-For and X-Forwarded-Proto are honoured only from the configured proxies: behind them, rate limits see
/// the client's address and cookies are <c>Secure</c> (the request was https at the proxy). Anyone else sending those
/// headers is ignored, or a client could pick its own address for the rate limits. X-Forwarded-Host is never taken:
/// links are built from <c>App:PublicBaseUrl</c> and hosts checked against <c>AllowedHosts</c>.
/// </summary>
public static class Proxies
{
    public static IServiceCollection AddProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var known = configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>()?.Known ?? [];
        var addresses = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in known.Select(k => k.Trim()).Where(k => k.Length > 0))
        {
            if (entry.Contains('/') && System.Net.IPNetwork.TryParse(entry, out var network)) networks.Add(network);
            else if (IPAddress.TryParse(entry, out var address)) addresses.Add(address);
            else throw new InvalidOperationException($"Proxies:Known has '{entry}', which is neither an IP address nor a network (10.0.0.0/8).");
        }
        return services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults trust loopback; only what is configured is trusted here.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var address in addresses) o.KnownProxies.Add(address);
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
            // One proxy hop by default; a chain of configured proxies is walked as far as it is trusted.
            o.ForwardLimit = Math.Max(1, addresses.Count + networks.Count);
        });
    }
}
