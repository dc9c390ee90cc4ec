using System.Net;
using System.Net.Sockets;
using Gyre.Core.Errors;

namespace Gyre.Server.Hosting;

/// <summary>
/// The listen URLs of the gRPC service (<see cref="ServerOptions.GrpcUrls"/>), each with a port of
/// its own: Kestrel chooses HTTP/2 for an address by its port (<see cref="GyreHost"/>), so a port 0
/// is resolved to a free port here, before the server binds.
/// </summary>
internal sealed record GrpcListen(IReadOnlyList<string> Urls)
{
    public IReadOnlySet<int> Ports { get; } = Urls.Select(u => new Uri(u).Port).ToHashSet();

    public static GrpcListen Resolve(string? grpcUrls, IReadOnlyList<string> httpUrls)
    {
        var resolved = ListenAddresses.Split(grpcUrls ?? "").Select(url =>
        {
            var uri = new Uri(url);
            return uri.Port == 0 ? new UriBuilder(uri) { Port = FreePort(uri.Host) }.Uri.ToString().TrimEnd('/') : url;
        }).ToList();
        var httpPorts = httpUrls.Select(u => ListenAddresses.TryParse(u, out var uri) ? uri.Port : -1).ToHashSet();
        if (resolved.FirstOrDefault(u => httpPorts.Contains(new Uri(u).Port)) is { } shared)
        {
            throw GyreException.Invalid($"--grpc-urls: {shared} shares its port with --urls; gRPC (HTTP/2 without TLS) needs a port of its own");
        }
        return new GrpcListen(resolved);
    }

    private static int FreePort(string host)
    {
        var address = IPAddress.TryParse(host.Trim('[', ']'), out var parsed) ? parsed : IPAddress.Loopback;
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
