using System.Net;

namespace Gyre.Server.Hosting;

/// <summary>Tells loopback listen URLs from ones that other machines can reach.</summary>
internal static class ListenAddresses
{
    public static IReadOnlyList<string> Split(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
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
