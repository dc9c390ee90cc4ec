using System.Net;
using System.Net.Sockets;

namespace Gyre.Server.Hosting;

/// <summary>Tells loopback listen URLs from ones that other machines can reach.</summary>
internal static class ListenAddresses
{
    public static IReadOnlyList<string> Split(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Conflict naming the first listen URL whose port another program holds, so that a server that
    /// cannot listen says so in one line before it creates anything (port 0 is always free).
    /// </summary>
    public static void CheckFree(IEnumerable<string> urls)
    {
        foreach (var url in urls)
        {
            if (!TryParse(url, out var uri) || uri.Port == 0)
            {
                continue;
            }
            var addresses = uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? [IPAddress.Loopback]
                : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) ? [address] : Array.Empty<IPAddress>();
            foreach (var candidate in addresses)
            {
                using var socket = new Socket(candidate.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(candidate, uri.Port));
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
                {
                    throw Gyre.Core.Errors.GyreException.Conflict($"--urls: {url} is in use by another program (another gyre server?); stop it or choose another port");
                }
            }
        }
    }

    /// <summary>A listen URL as a URI, its wildcard hosts (<c>*</c>, <c>+</c>) read as 0.0.0.0.</summary>
    public static bool TryParse(string url, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? uri) =>
        Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out uri);

    public static bool IsLoopback(string url)
    {
        if (!TryParse(url, out var uri))
        {
            throw Gyre.Core.Errors.GyreException.Invalid($"--urls: '{url}' is not a URL such as http://127.0.0.1:5000");
        }
        if (uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
