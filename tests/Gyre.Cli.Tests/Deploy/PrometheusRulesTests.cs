using System.Diagnostics;

namespace Gyre.Cli.Tests.Deploy;

/// <summary>deploy/prometheus/rules.yaml checked by Prometheus's own tool: its lint, and its unit tests (rules_test.yaml), which fire every alert on a synthetic series and keep it quiet on a healthy one.</summary>
public sealed class PrometheusRulesTests
{
    [Fact]
    public async Task TheRules_PassPromtoolsLint()
    {
        var (exitCode, output) = await PromtoolAsync("check", "rules", "--lint=all", "--lint-fatal", "rules.yaml");
        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS: 25 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRulesUnitTests_PassInPromtool()
    {
        var (exitCode, output) = await PromtoolAsync("test", "rules", "rules_test.yaml");
        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(params string[] args)
    {
        var info = new ProcessStartInfo("promtool", args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryFiles.Deploy("prometheus"),
        };
        using var promtool = Process.Start(info)!;
        var stdout = promtool.StandardOutput.ReadToEndAsync();
        var stderr = promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        return (promtool.ExitCode, await stdout + await stderr);
    }
}
