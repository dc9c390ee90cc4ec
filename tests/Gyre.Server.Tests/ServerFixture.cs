using Gyre.Server.Hosting;
using Gyre.Storage;
using Gyre.Tests.Shared;

namespace Gyre.Server.Tests;

/// <summary>
/// One server shared by the tests of a class; tests create their own objects with unique names.
/// This one keeps its metadata in the home's SQLite file; <see cref="PostgresServerFixture"/> runs
/// the same tests with it in PostgreSQL.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private TestServer? _server;

    /// <summary>The server; skips the calling <c>[SkippableFact]</c> when its backend is not available here.</summary>
    public TestServer Server => _server ?? throw new SkipException(SkipReason ?? "the server did not start");

    /// <summary>Why the server could not start on this machine; null when it did.</summary>
    protected string? SkipReason { get; set; }

    public virtual async Task InitializeAsync() => _server = await TestServer.StartAsync(Configure);

    protected async Task StartAsync(Func<ServerOptions, ServerOptions> configure) => _server = await TestServer.StartAsync(configure);

    /// <summary>Changes the options of the server this fixture starts (the Open Inference Protocol's gRPC port, for one).</summary>
    protected virtual ServerOptions Configure(ServerOptions options) => options;

    public virtual async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>The same shared server with its metadata in a fresh schema of the test PostgreSQL server.</summary>
public class PostgresServerFixture : ServerFixture
{
    private TestPostgres? _database;

    public override async Task InitializeAsync()
    {
        try
        {
            _database = await TestPostgres.CreateAsync();
        }
        catch (SkipException e)
        {
            SkipReason = e.Message;
            return;
        }
        await StartAsync(o => Configure(o with { Database = new DatabaseOptions(_database.Url), Migrate = true }));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
