using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace Gyre.Cli.Tests;

/// <summary>The server as a real process: what configuration can make it listen on, and how it stops under load.</summary>
public sealed class CliServerSafetyTests
{
    [Theory]
    [InlineData("Kestrel__Endpoints__Extra__Url")]
    [InlineData("ASPNETCORE_Kestrel__Endpoints__Extra__Url")]
    public async Task AnEndpointAddedByConfiguration_ThatIsNotLoopback_StopsTheStart_WithoutTokens(string variable)
    {
        var home = ServerProcess.NewHome();
        var port = ServerProcess.FreePort();
        var info = GyreProcess.StartInfo(["server", "--urls", "http://127.0.0.1:0", "--home", home, "--drain", "0"],
            new Dictionary<string, string?> { [variable] = $"http://0.0.0.0:{port}" });
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // it kept serving on every interface: the defect
            }
        }
        Assert.Equal(1, process.ExitCode);
        var error = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"gyre: error: invalid_argument: refusing to listen on http://0.0.0.0:{port} (not loopback) without an API token", error, StringComparison.Ordinal);
        // Nothing listens there any more.
        using var probe = new TcpListener(IPAddress.Any, port);
        probe.Start();
        Directory.Delete(home, recursive: true);
    }

    [Fact]
    public async Task Sigterm_UnderLoad_TurnsReadinessOffFirst_DrainsAndFailsNoRequest()
    {
        await using var server = await ServerProcess.StartAsync(null, "--drain", "2");
        using var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromSeconds(10) };
        var inRotation = true;
        var failures = new List<string>();
        var served = 0;
        // The load balancer: takes the server out of rotation once /readyz says so.
        var balancer = Task.Run(async () =>
        {
            while (Volatile.Read(ref inRotation))
            {
                try
                {
                    using var ready = await http.GetAsync("/readyz");
                    if (ready.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Assert.Contains("draining", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                        Volatile.Write(ref inRotation, false);
                    }
                }
                catch (HttpRequestException e)
                {
                    lock (failures)
                    {
                        failures.Add($"/readyz: {e.Message}");
                    }
                    Volatile.Write(ref inRotation, false);
                }
                await Task.Delay(25);
            }
        });
        var clients = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; Volatile.Read(ref inRotation); i++)
            {
                try
                {
                    using var response = i % 2 == 0
                        ? await http.PostAsJsonAsync("/api/v1/experiments", new { name = $"load-{worker}-{i}" })
                        : await http.GetAsync("/api/v1/experiments");
                    if ((int)response.StatusCode >= 300)
                    {
                        lock (failures)
                        {
                            failures.Add($"HTTP {(int)response.StatusCode}");
                        }
                    }
                    Interlocked.Increment(ref served);
                }
                catch (HttpRequestException e)
                {
                    lock (failures)
                    {
                        failures.Add(e.Message);
                    }
                }
            }
        })).ToList();

        using (var warm = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            while (Volatile.Read(ref served) < 20 && !warm.IsCancellationRequested)
            {
                await Task.Delay(20);
            }
        }
        var before = Volatile.Read(ref served);
        var signalled = Stopwatch.StartNew();
        await server.SignalAsync("TERM");
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await Task.WhenAll([balancer, .. clients]);

        Assert.Empty(failures);
        Assert.True(before >= 20, $"only {before} requests were served before the signal");
        Assert.Equal(0, exitCode);
        Assert.True(signalled.Elapsed >= TimeSpan.FromSeconds(1.5), $"the server stopped {signalled.Elapsed} after SIGTERM, within its 2 s drain");
    }
}
