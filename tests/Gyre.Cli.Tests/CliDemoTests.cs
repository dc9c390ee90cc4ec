using System.Text.RegularExpressions;

namespace Gyre.Cli.Tests;

/// <summary><c>gyre demo --fast</c> as a user runs it: the loop closes by itself in under a minute.</summary>
public sealed partial class CliDemoTests
{
    [Fact]
    public async Task FastDemo_DetectsTheDrift_RetrainsAndPromotesV2_ByItself()
    {
        var home = ServerProcess.NewHome();
        try
        {
            var started = DateTime.UtcNow;
            var result = await GyreProcess.RunAsync(null, "demo", "--fast", "--exit", "--home", home, "--urls", "http://127.0.0.1:0");

            Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(90));
            Assert.Contains("pipeline credit-train run 1 succeeded", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("— DATA SET DRIFT", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("policy credit-drift fired: run_pipeline credit-retrain: run 2", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("credit-retrain run 2 (alert) gate: succeeded passed: credit/2 against credit/1", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("canary 1 credit/2: succeeded, 100%", result.Stdout, StringComparison.Ordinal);
            var summary = Summary().Match(result.Stdout);
            Assert.True(summary.Success, result.Stdout);
            Assert.InRange(int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1, 3);

            // A second demo on the same home is refused with one line, not played over the first.
            var again = await GyreProcess.RunAsync(null, "demo", "--fast", "--exit", "--home", home, "--urls", "http://127.0.0.1:0");
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("already holds the demo's endpoint 'credit'", again.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [GeneratedRegex(@"drift detected (\d+) window\(s\) after its onset; v2 promoted")]
    private static partial Regex Summary();
}
