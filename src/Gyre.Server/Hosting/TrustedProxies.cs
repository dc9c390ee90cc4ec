using System.Net;
using Gyre.Core.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;

namespace Gyre.Server.Hosting;

/// <summary>
/// Reverse proxies whose <c>X-Forwarded-Proto</c> and <c>X-Forwarded-For</c> the server believes.
/// Behind a proxy that ends TLS, a request then counts as HTTPS (so the dashboard's sign-in cookie
/// is marked Secure) and its remote address is the caller's. Only requests that come from one of
/// these addresses have their headers read: anyone else could send them too.
/// </summary>
internal static class TrustedProxies
{
    /// <summary>The options for ASP.NET Core's forwarded-headers middleware, or null when no proxy is trusted.</summary>
    public static ForwardedHeadersOptions? Options(IReadOnlyList<string> proxies)
    {
        if (proxies.Count == 0)
        {
            return null;
        }
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        options.KnownProxies.Clear(); // the defaults trust loopback, which need not be where the proxy is
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            if (IPAddress.TryParse(proxy, out var address))
            {
                options.KnownProxies.Add(address);
            }
            else if (proxy.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(proxy, out var network))
            {
                options.KnownIPNetworks.Add(network);
            }
            else
            {
                throw GyreException.Invalid($"--trusted-proxy: '{proxy}' is not an IP address (10.0.0.5) or a network with its host bits zero (10.0.0.0/8)");
            }
        }
        return options;
    }
}
