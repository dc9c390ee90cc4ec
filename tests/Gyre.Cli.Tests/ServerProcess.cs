using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gyre.Cli.Tests;

/// <summary>A <c>gyre server</c> child process on a free loopback port, stopped and cleaned up on dispose.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, string url, string home)
    {
        _process = process;
        Url = url;
        Home = home;
    }

    public string Url { get; }

    public string Home { get; }

    /// <summary>The server's process id, for reading its memory from /proc.</summary>
    public int Pid => _process.Id;

    public Dictionary<string, string?> Environment => new() { ["GYRE_SERVER"] = Url };

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string NewHome() => Path.Combine(Path.GetTempPath(), "gyre-cli-test-" + Guid.NewGuid().ToString("N"));

    /// <summary>Starts the server and returns once it prints that it is listening.</summary>
    public static Task<ServerProcess> StartAsync(string? home = null, params string[] extra) => StartCommandAsync("server", home, extra);

    /// <summary>Starts <c>gyre server</c> or <c>gyre worker</c> and returns once it prints that it is listening.</summary>
    public static Task<ServerProcess> StartCommandAsync(string command, string? home, params string[] extra) => StartCommandAsync(command, home, null, extra);

    /// <summary>As <see cref="StartCommandAsync(string, string?, string[])"/>, with variables added to the server's environment.</summary>
    public static async Task<ServerProcess> StartCommandAsync(string command, string? home, IReadOnlyDictionary<string, string?>? environment, params string[] extra)
    {
        home ??= NewHome();
        // Port 0: the server picks a free port and prints it, so no other process can take it first.
        var process = Process.Start(GyreProcess.StartInfo([command, "--urls", "http://127.0.0.1:0", "--home", home, .. extra], environment))!;
        var listening = $"gyre {command} listening on ";
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(listening, StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
                return new ServerProcess(process, line[listening.Length..].Split(' ', ',')[0], home);
            }
        }
        var error = await process.StandardError.ReadToEndAsync(timeout.Token);
        await new ServerProcess(process, "", home).DisposeAsync();
        throw new InvalidOperationException($"gyre server exited before listening: {error}");
    }

    /// <summary>Sends a signal (TERM, INT, STOP, CONT...) to the server, as <c>kill -SIGNAL</c> does.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits for the server to exit by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var source = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(source.Token);
        return _process.ExitCode;
    }

    /// <summary>kill -9: the server gets no chance to flush or stop; the home is kept for a restart.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
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
