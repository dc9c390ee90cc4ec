using System.Text.RegularExpressions;

namespace Gyre.Cli.Tests;

/// <summary><c>gyre demo --fast</c> as a user runs it: the loop closes by itself in under a minute.</summary>
public sealed partial class CliDemoTests
{
    private static readonly string Onnx = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    [Fact]
    public async Task FastDemo_DetectsTheDrift_RetrainsAndPromotesV2_ByItself_AndRemovesTheHomeItMade()
    {
        var started = DateTime.UtcNow;
        var result = await GyreProcess.RunAsync(null, "demo", "--fast", "--exit", "--urls", "http://127.0.0.1:0");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(90));
        Assert.Contains("pipeline credit-train run 1 succeeded", result.Stdout, StringComparison.Ordinal);
        // The monitor's alarm, the policy's firing and the retraining's trigger name the same window.
        var alarm = Alarm().Match(result.Stdout);
        Assert.True(alarm.Success, result.Stdout);
        Assert.Contains($"policy credit-drift fired on drift alarm at window {alarm.Groups[1].Value} (", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("run_pipeline credit-retrain: run 2", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("credit-retrain run 2 (alert) gate: succeeded passed: credit/2 against credit/1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("canary 1 credit/2: succeeded, 100%", result.Stdout, StringComparison.Ordinal);
        var summary = Summary().Match(result.Stdout);
        Assert.True(summary.Success, result.Stdout);
        Assert.InRange(int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1, 3);
        // Before a label about the drifted traffic: the accuracy estimated from v1's confidence falls, in a window no later than the alarm's.
        var fall = EstimateFall().Match(result.Stdout);
        Assert.True(fall.Success, result.Stdout);
        Assert.True(int.Parse(fall.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) <= int.Parse(alarm.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        var estimated = EstimatedSummary().Match(result.Stdout);
        Assert.True(estimated.Success, result.Stdout);
        // The windows after the onset average below the estimate before the drift (which varies a little with the windows' timing).
        var before = double.Parse(fall.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) * 100;
        Assert.InRange(double.Parse(estimated.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 60, before - 3);

        // Without --home the demo made a home of its own; with --exit it leaves nothing behind.
        var home = Home().Match(result.Stdout);
        Assert.True(home.Success, result.Stdout);
        Assert.Contains($"removed the demo's home {home.Groups[1].Value}", result.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(home.Groups[1].Value));
    }

    [Fact]
    public async Task ADemoOnAHomeThatHoldsOne_IsRefusedWithOneLine_AndTheHomeIsKept()
    {
        var home = ServerProcess.NewHome();
        try
        {
            // Killed, not disposed: disposing a server process removes its home.
            var server = await ServerProcess.StartAsync(home);
            Assert.Equal(0, (await GyreProcess.RunAsync(server.Environment, "models", "import", Path.Combine(Onnx, "diabetes_mlp.onnx"), "--name", "credit", "--task", "regression")).ExitCode);
            Assert.Equal(0, (await GyreProcess.RunAsync(server.Environment, "endpoints", "create", "credit", "--model", "credit/1")).ExitCode);
            await server.KillAsync();
            var again = await GyreProcess.RunAsync(null, "demo", "--fast", "--exit", "--home", home, "--urls", "http://127.0.0.1:0");
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("already holds the demo's endpoint 'credit'", again.Stderr, StringComparison.Ordinal);
            Assert.True(Directory.Exists(home));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [GeneratedRegex(@"drift window (\d+) \(\d+ predictions\): [^\n]*— DRIFT ALARM")]
    private static partial Regex Alarm();

    [GeneratedRegex(@"drift detected (\d+) window\(s\) after its onset; v2 promoted")]
    private static partial Regex Summary();

    [GeneratedRegex(@"home (\S+); playing the demo")]
    private static partial Regex Home();

    [GeneratedRegex(@"drift window (\d+): estimated accuracy 0\.\d+ \(CBPE, from the model's confidence, before its labels arrive\), down from (0\.9\d)")]
    private static partial Regex EstimateFall();

    [GeneratedRegex(@"v1's accuracy after the drift, estimated without labels \(CBPE\) as each window closed: ([0-9.]+)%; realized once the labels came: [0-9.]+%")]
    private static partial Regex EstimatedSummary();
}
