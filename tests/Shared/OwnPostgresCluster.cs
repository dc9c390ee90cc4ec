using System.Diagnostics;

namespace Gyre.Tests.Shared;

/// <summary>
/// A PostgreSQL cluster of one test's own, started with the repository's <c>.ci/postgres</c>, for
/// tests that take the server away (stop it under load, start it again): the shared test server
/// must stay up for every other test.
/// </summary>
public sealed class OwnPostgresCluster : IAsyncDisposable
{
    private readonly string _script;

    private OwnPostgresCluster(string script, string url, string folder)
    {
        _script = script;
        Url = url;
        Folder = folder;
    }

    /// <summary>The URL of the cluster's test database.</summary>
    public string Url { get; }

    public string Folder { get; }

    public static async Task<OwnPostgresCluster> StartAsync()
    {
        TestPostgres.RequireServer(); // the same skip or failure as every PostgreSQL test
        var script = FindScript();
        var output = await RunAsync(script, ["start"], new Dictionary<string, string> { ["GYRE_TEST_POSTGRES_PORT"] = "25600" });
        var exports = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Replace("export ", "", StringComparison.Ordinal).Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
        return new OwnPostgresCluster(script, exports["GYRE_TEST_POSTGRES"], exports["GYRE_TEST_POSTGRES_DIR"]);
    }

    /// <summary>Stops the server (fast shutdown: connections are cut), keeping its data.</summary>
    public Task HaltAsync() => RunAsync(_script, ["halt", Folder]);

    /// <summary>Starts the server again on the same port.</summary>
    public Task ResumeAsync() => RunAsync(_script, ["resume", Folder]);

    public async ValueTask DisposeAsync() => await RunAsync(_script, ["stop", Folder]);

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, ".ci", "postgres");
            if (File.Exists(script))
            {
                return script;
            }
        }
        throw new InvalidOperationException("the repository's .ci/postgres was not found above " + AppContext.BaseDirectory);
    }

    private static async Task<string> RunAsync(string script, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("bash", [script, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await stdout : throw new InvalidOperationException($".ci/postgres {string.Join(' ', args)} failed: {await stderr}");
    }
}
