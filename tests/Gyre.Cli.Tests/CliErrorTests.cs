namespace Gyre.Cli.Tests;

public sealed class CliErrorTests(ServerProcessFixture fixture) : IClassFixture<ServerProcessFixture>
{
    private Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(fixture.Server.Environment, args);

    private static void OneLine(GyreProcess.Result result, int exitCode, string contains)
    {
        Assert.Equal(exitCode, result.ExitCode);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got: {result.Stderr}");
        Assert.StartsWith("gyre: error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(contains, lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingObject_ExitsOne_WithTheServersReason() =>
        OneLine(await Gyre("experiments", "show", "424242"), 1, "not_found: experiment '424242' does not exist");

    [Fact]
    public async Task BadFilter_ExitsOne_PointingAtThePosition() =>
        OneLine(await Gyre("runs", "search", "--filter", "metrics.auc >"), 1, "filter: at position 14");

    [Fact]
    public async Task ChangedParam_ExitsOne_NamingTheKey()
    {
        var created = await Gyre("runs", "create", "--json");
        var run = System.Text.Json.JsonDocument.Parse(created.Stdout).RootElement.GetProperty("run_id").GetString()!;
        Assert.Equal(0, (await Gyre("runs", "log", run, "-p", "lr=0.1")).ExitCode);
        OneLine(await Gyre("runs", "log", run, "-p", "lr=0.2"), 1, "conflict: param 'lr'");
    }

    [Fact]
    public async Task BadCommandLine_ExitsTwo_WithOneLine() =>
        OneLine(await Gyre("models", "register", "m"), 2, "--run");

    [Fact]
    public async Task BadOptionValue_ExitsOne_NamingTheOption() =>
        OneLine(await Gyre("runs", "log", "abc", "--metric", "auc=high"), 1, "--metric: expected a number for 'auc'");

    [Fact]
    public async Task UnreachableServer_ExitsThree_WithAHint()
    {
        var result = await GyreProcess.RunAsync(new Dictionary<string, string?> { ["GYRE_SERVER"] = $"http://127.0.0.1:{ServerProcess.FreePort()}" }, "experiments", "list");
        OneLine(result, 3, "cannot reach the Gyre server");
    }

    [Fact]
    public async Task MalformedServerUrl_ExitsOne() =>
        OneLine(await GyreProcess.RunAsync(null, "experiments", "list", "--server", "not a url"), 1, "server: 'not a url' is not an http(s) URL");
}
