using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Client;
using Gyre.Core.Json;
using Gyre.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Server.Tests;

/// <summary>A real <c>gyre server</c> on Kestrel, on a free loopback port, with its own temporary home.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, string home, Uri address, string? token)
    {
        _app = app;
        Home = home;
        Address = address;
        Http = new HttpClient { BaseAddress = address };
        if (token is not null)
        {
            Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        Client = new GyreClient(new HttpClient(), new GyreClientOptions { Server = address, Token = token });
    }

    public string Home { get; }

    /// <summary>The gRPC service's address, when the server was started with <see cref="ServerOptions.GrpcUrls"/>.</summary>
    public Uri? GrpcAddress => GyreServer.GrpcAddresses(_app) is { Count: > 0 } grpc ? new Uri(grpc[0]) : null;

    public Uri Address { get; }

    /// <summary>A plain HTTP client, for asserting on raw responses.</summary>
    public HttpClient Http { get; }

    /// <summary>The typed .NET client, as users' programs use it.</summary>
    public GyreClient Client { get; }

    /// <summary>The server's services, for what no route shows (a replica's lease holder name).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a server; with <paramref name="token"/>, <see cref="Http"/> and <see cref="Client"/> carry it;
    /// <paramref name="services"/> changes its wiring (a failing store, a log to read).
    /// </summary>
    public static Task<TestServer> StartAsync(Func<ServerOptions, ServerOptions>? configure = null, string? home = null, TimeProvider? time = null, string? token = null,
        Action<IServiceCollection>? services = null) =>
        StartInAsync(home ?? Path.Combine(Path.GetTempPath(), "gyre-server-test-" + Guid.NewGuid().ToString("N")), configure, time, token, services);

    private static async Task<TestServer> StartInAsync(string home, Func<ServerOptions, ServerOptions>? configure, TimeProvider? time, string? token,
        Action<IServiceCollection>? services)
    {
        var options = new ServerOptions { Urls = "http://127.0.0.1:0", Home = home, Quiet = true, DrainTime = TimeSpan.Zero };
        var app = await GyreServer.BuildAsync(configure?.Invoke(options) ?? options, time, services);
        await app.StartAsync();
        return new TestServer(app, home, new Uri(GyreServer.Addresses(app)[0]), token);
    }

    public GyreClient ClientWithToken(string? token) => new(new HttpClient(), new GyreClientOptions { Server = Address, Token = token });

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(GyreJson.Options);

    /// <summary>Stops the server as a restart would (gracefully), leaving its home for the next one.</summary>
    public async Task StopAsync()
    {
        Http.Dispose();
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the folder is under the temp directory.
        }
    }
}
