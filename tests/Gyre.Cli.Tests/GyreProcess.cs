using System.Diagnostics;
using System.Text;

namespace Gyre.Cli.Tests;

/// <summary>Runs the real <c>gyre</c> program as a child process (<c>dotnet gyre.dll ARGS</c>).</summary>
internal static class GyreProcess
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "gyre.dll");

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        // Never inherit a developer's own server, token or home.
        info.Environment["GYRE_SERVER"] = null;
        info.Environment["GYRE_TOKEN"] = null;
        info.Environment["GYRE_HOME"] = null;
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }
        return info;
    }

    public static Task<Result> RunAsync(IReadOnlyDictionary<string, string?>? environment, params string[] args) => RunWithInputAsync(environment, null, args);

    /// <summary>Runs gyre with <paramref name="input"/> on its standard input (none when null).</summary>
    public static async Task<Result> RunWithInputAsync(IReadOnlyDictionary<string, string?>? environment, string? input, params string[] args)
    {
        using var process = Process.Start(StartInfo(args, environment))!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
