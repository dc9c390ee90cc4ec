using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gyre.Server.Tests.Security;

/// <summary>
/// A raw TCP listener on loopback (IPv4 and IPv6) that counts the connections it accepts and answers
/// each request as told: an HTTP status with headers, or nothing at all (a destination that hangs).
/// </summary>
internal sealed class WebhookListener : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.IPv6Any, 0);
    private readonly List<TcpClient> _held = [];
    private int _connections;

    public WebhookListener(string? answer)
    {
        _listener.Server.DualMode = true;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(() => AcceptAsync(answer));
    }

    public int Port { get; }

    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync(string? answer)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            if (answer is null)
            {
                lock (_held)
                {
                    _held.Add(client); // accepted, never answered
                }
                continue;
            }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    var buffer = new byte[8192];
                    _ = await stream.ReadAsync(buffer); // the request's head: enough to answer
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(answer + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                }
            });
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        lock (_held)
        {
            foreach (var client in _held)
            {
                client.Dispose();
            }
        }
    }
}
