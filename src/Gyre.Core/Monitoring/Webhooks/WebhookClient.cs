using System.Net;
using System.Net.Sockets;

namespace Gyre.Core.Monitoring.Webhooks;

/// <summary>
/// The HTTP client that webhooks are posted with: it resolves the destination itself and connects
/// only to addresses <see cref="WebhookDestinations"/> allows, never through a proxy, and never
/// follows a redirect (whose target would escape the check). Timeouts are the dispatcher's, on the
/// server's clock.
/// </summary>
public static class WebhookClient
{
    public static HttpClient Create(WebhookDestinations destinations) =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = (context, ct) => ConnectAsync(destinations, context.DnsEndPoint, ct),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    private static async ValueTask<Stream> ConnectAsync(WebhookDestinations destinations, DnsEndPoint endpoint, CancellationToken ct)
    {
        var host = endpoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = addresses.Where(a => destinations.Allows(host, a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new WebhookRefusedException();
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>The destination resolved only to addresses that webhooks may not reach.</summary>
public sealed class WebhookRefusedException() : Exception("the destination is not an address webhooks may reach");
