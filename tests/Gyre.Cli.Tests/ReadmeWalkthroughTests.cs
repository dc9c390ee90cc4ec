using System.Diagnostics;
using System.Text;

namespace Gyre.Cli.Tests;

/// <summary>
/// The README's "Using it" block, run as written, line by line by bash (stopping at the first line
/// that fails), against a real server with a fresh home, in a copy of the examples folder: the README
/// cannot drift from the product.
/// </summary>
public sealed class ReadmeWalkthroughTests
{
    private static readonly string Output = AppContext.BaseDirectory;

    /// <summary>The first <c>sh</c> block after the "Using it" heading.</summary>
    internal static string Walkthrough()
    {
        var readme = File.ReadAllText(Path.Combine(Output, "README.md"));
        var section = readme[readme.IndexOf("## Using it", StringComparison.Ordinal)..];
        var start = section.IndexOf("```sh\n", StringComparison.Ordinal) + "```sh\n".Length;
        return section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task TheReadmesWalkthrough_RunsAsWritten_AgainstARealServer()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-readme-").FullName;
        await using var server = await ServerProcess.StartAsync();
        try
        {
            Copy(Path.Combine(Output, "examples"), Path.Combine(folder, "examples"));
            var block = Walkthrough();
            Assert.Contains("export GYRE_SERVER=http://127.0.0.1:5000", block, StringComparison.Ordinal);
            // The one thing changed: the test's server listens on a port of its own.
            var script = new StringBuilder()
                .AppendLine("set -euo pipefail")
                .AppendLine("set -x")
                .AppendLine($"gyre() {{ dotnet '{Path.Combine(Output, "gyre.dll")}' \"$@\"; }}")
                .Append(block.Replace("http://127.0.0.1:5000", server.Url, StringComparison.Ordinal))
                .ToString();
            var path = Path.Combine(folder, "walkthrough.sh");
            await File.WriteAllTextAsync(path, script);

            var info = new ProcessStartInfo("bash", [path]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
            info.Environment["GYRE_SERVER"] = null;
            info.Environment["GYRE_TOKEN"] = null;
            info.Environment["DOTNET_NOLOGO"] = "1";
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await process.WaitForExitAsync(timeout.Token);
            var trace = await stderr;
            // bash -x traces each command before it runs: the last one traced is the one that failed.
            Assert.True(process.ExitCode == 0, $"the README's walkthrough stopped at:\n{string.Join('\n', trace.Split('\n').TakeLast(12))}");

            var output = await stdout;
            Assert.Contains("✓ ship", output, StringComparison.Ordinal);
            Assert.Contains("created endpoint 'churn' serving churn/1", output, StringComparison.Ordinal);
            Assert.Contains("\"prediction_ids\":[", output, StringComparison.Ordinal);
            Assert.Contains("accepted 5, repeated 0, unknown 0", output, StringComparison.Ordinal);
            Assert.Contains("registered        │ churn/2", output, StringComparison.Ordinal);
            Assert.Contains("canary churn/2 at 50%", output, StringComparison.Ordinal);
            Assert.Contains("hand-tuned", output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(folder, "examples", "churn", "scored.csv")));
            Assert.True(File.Exists(Path.Combine(folder, "examples", "churn", "log.parquet")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var directory in Directory.GetDirectories(from))
        {
            Copy(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
