using Gyre.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;

namespace Gyre.Bench;

/// <summary>A real gyre server on Kestrel (loopback, free port) with a fresh home, for one benchmark.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchServer(WebApplication app, string home, Uri address)
    {
        _app = app;
        Home = home;
        Address = address;
    }

    public string Home { get; }

    public Uri Address { get; }

    /// <summary>The web application, for what only it can say (its gRPC address).</summary>
    public WebApplication App => _app;

    /// <summary>The server's services, for reading its state (a gateway's routing table) without a request.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a server; with <paramref name="database"/>, its metadata is in that PostgreSQL database (migrated at start),
    /// and with <paramref name="artifacts"/> its files are in that object store; <paramref name="roles"/> makes it a replica of some roles only.
    /// </summary>
    public static async Task<BenchServer> StartAsync(string? database = null, string? artifacts = null, Gyre.Core.Coordination.ReplicaRoles roles = Gyre.Core.Coordination.ReplicaRoles.All,
        string? grpcUrls = null)
    {
        var home = Path.Combine(Path.GetTempPath(), "gyre-bench-" + Guid.NewGuid().ToString("N"));
        var app = await GyreServer.BuildAsync(new ServerOptions
        {
            Urls = "http://127.0.0.1:0",
            GrpcUrls = grpcUrls,
            Home = home,
            Database = new Gyre.Storage.DatabaseOptions(database),
            Artifacts = new Gyre.Storage.ArtifactStoreOptions(artifacts),
            MaxArtifactBytes = 4L << 30,
            Migrate = true,
            Quiet = true,
            DrainTime = TimeSpan.Zero,
            Replica = new Gyre.Core.Coordination.ReplicaOptions { Roles = roles },
        });
        await app.StartAsync();
        return new BenchServer(app, home, new Uri(GyreServer.Addresses(app)[0]));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(Home, recursive: true);
    }
}
