using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Gyre.Tests.Shared;

namespace Gyre.Cli.Tests.Deploy;

/// <summary>
/// No image can be built here (no container engine), so the image's program is made and started
/// the way deploy/Dockerfile makes and starts it: its own `dotnet publish` line into a clean folder,
/// its ENV, its ENTRYPOINT and CMD (the listen port moved to a free one), its health check, and an
/// admin token from a mounted secret file, on the tests' PostgreSQL when there is one.
/// </summary>
public sealed class DockerfileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gyre-cli-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task TheProgramPublishedAsTheDockerfileSays_StartsWithItsEnvironment_AndAnswersItsHealthCheck()
    {
        var dockerfile = new Dockerfile(RepositoryFiles.Deploy("Dockerfile"));
        Assert.Equal("10001:10001", dockerfile.User); // not root
        Assert.Equal(["/var/lib/gyre"], dockerfile.Volumes);
        Assert.Equal("/var/lib/gyre", dockerfile.Environment["GYRE_HOME"]);

        // The publish line as written, into a clean folder instead of /app.
        var app = Path.Combine(_folder, "app");
        var publish = dockerfile.PublishArguments.ToList();
        var output = publish.IndexOf("-o");
        Assert.Equal("/app", publish[output + 1]);
        publish[output + 1] = app;
        // At the lowest priority, in processes of its own (no compiler server or build node shared
        // with the suite's build): a Release build of everything must not starve the tests that run
        // beside it. Neither changes what is published.
        var published = await RunAsync("nice", ["-n", "19", "dotnet", .. publish], RepositoryFiles.Root,
            new Dictionary<string, string?> { ["UseSharedCompilation"] = "false", ["MSBUILDDISABLENODEREUSE"] = "1" }, TimeSpan.FromMinutes(10));
        Assert.True(published.ExitCode == 0, published.Output);
        var entrypoint = Assert.Single(dockerfile.Entrypoint);
        Assert.StartsWith("/opt/gyre/", entrypoint, StringComparison.Ordinal);
        var gyre = Path.Combine(app, entrypoint["/opt/gyre/".Length..]);
        Assert.True(File.Exists(gyre), $"the entrypoint {entrypoint} is not in the published folder");

        // The image's environment, with the volume and the secret where this machine has them.
        var port = ServerProcess.FreePort();
        var secret = "gyre_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var tokenFile = Path.Combine(_folder, "admin-token");
        await File.WriteAllTextAsync(tokenFile, secret + "\n");
        var environment = dockerfile.Environment.ToDictionary(p => p.Key, p => (string?)p.Value.Replace(":8080", $":{port}", StringComparison.Ordinal));
        environment["GYRE_HOME"] = Path.Combine(_folder, "home");
        environment["GYRE_ADMIN_TOKEN_FILE"] = tokenFile;
        await using var database = TestPostgres.ServerUrl is null ? null : await TestPostgres.CreateAsync();
        if (database is not null)
        {
            environment["GYRE_DATABASE"] = database.Url;
            await RunAsync(gyre, ["migrate"], _folder, environment, TimeSpan.FromMinutes(2));
        }
        var command = dockerfile.Command.Select(a => a.Replace(":8080", $":{port}", StringComparison.Ordinal)).ToList();
        Assert.Equal(["server", "--urls", $"http://0.0.0.0:{port}"], command);

        using (var server = Start(gyre, command, environment))
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitReadyAsync(http, server);
            // Listening beyond loopback, it wants a token; the one from the secret file is an admin's.
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/experiments")).StatusCode);
            using var call = new HttpRequestMessage(HttpMethod.Get, "/api/v1/experiments");
            call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(call)).StatusCode);

            // The health check, as the container runtime runs it.
            var health = await RunAsync(gyre, dockerfile.HealthCheck.Skip(1).ToList(), _folder, environment, TimeSpan.FromSeconds(30));
            Assert.True(health.ExitCode == 0, health.Output);
            Assert.Contains($"http://127.0.0.1:{port}/healthz: 200", health.Output, StringComparison.Ordinal);
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }

        // The health check of a container whose server is gone fails, with one line.
        var down = await RunAsync(gyre, dockerfile.HealthCheck.Skip(1).ToList(), _folder, environment, TimeSpan.FromSeconds(30));
        Assert.Equal(1, down.ExitCode);
        Assert.Contains($"http://127.0.0.1:{port}/healthz did not answer", down.Output, StringComparison.Ordinal);

        // A secret too short to be one is refused at start, naming the setting.
        await File.WriteAllTextAsync(tokenFile, "hunter2\n");
        var refused = await RunAsync(gyre, command, _folder, environment, TimeSpan.FromMinutes(1));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("--admin-token-file: expected a secret of at least 32 characters, got 7", refused.Output, StringComparison.Ordinal);
    }

    private static Process Start(string program, IReadOnlyList<string> args, IReadOnlyDictionary<string, string?> environment)
    {
        var process = Process.Start(StartInfo(program, args, null, environment))!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    /// <summary>The published program with these arguments and variables, and none of the tests' own Gyre settings.</summary>
    private static ProcessStartInfo StartInfo(string program, IReadOnlyList<string> args, string? folder, IReadOnlyDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder ?? "" };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["GYRE_SERVER"] = null;
        info.Environment["GYRE_TOKEN"] = null;
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        return info;
    }

    private static async Task WaitReadyAsync(HttpClient http, Process server)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(server.HasExited, "the published server exited while starting");
            try
            {
                if ((await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), "the published server was not ready within a minute");
            await Task.Delay(100);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, IReadOnlyList<string> args, string folder, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        Directory.CreateDirectory(folder);
        using var process = Process.Start(StartInfo(program, args, folder, environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
