using System.Text.Json;

namespace Gyre.Cli.Tests;

public sealed class CliWorkflowTests(ServerProcessFixture fixture) : IClassFixture<ServerProcessFixture>
{
    private Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(fixture.Server.Environment, args);

    private async Task<JsonElement> JsonAsync(params string[] args)
    {
        var result = await Gyre([.. args, "--json"]);
        Assert.True(result.ExitCode == 0, $"gyre {string.Join(' ', args)} exited {result.ExitCode}: {result.Stderr}");
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    [Fact]
    public async Task TrackRegisterAndPromote_FromTheCommandLine()
    {
        var name = "cli-" + Guid.NewGuid().ToString("N")[..8];
        var experiment = (await JsonAsync("experiments", "create", name, "--tag", "team=growth")).GetProperty("experiment_id").GetString()!;
        var run = (await JsonAsync("runs", "create", "--experiment", experiment, "--name", "baseline")).GetProperty("run_id").GetString()!;

        var logged = await Gyre("runs", "log", run, "--metric", "auc=0.81@1", "--metric", "auc=0.86@2", "--param", "trainer=lightgbm", "--tag", "stage=dev");
        Assert.Equal(0, logged.ExitCode);
        Assert.Contains("Logged 2 metric(s), 1 param(s), 1 tag(s).", logged.Stdout, StringComparison.Ordinal);
        await Gyre("runs", "input", run, "--name", "churn", "--digest", "sha256:feed", "--context", "train");

        var modelFile = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".zip");
        await File.WriteAllBytesAsync(modelFile, [1, 2, 3, 4]);
        var uploaded = await JsonAsync("runs", "artifacts", "upload", run, modelFile, "--path", "model/model.zip");
        Assert.Equal(4, uploaded.GetProperty("file_size").GetInt64());
        await JsonAsync("runs", "end", run);

        var found = await JsonAsync("runs", "search", "--experiment", experiment, "--filter", "metrics.auc > 0.85 AND params.trainer = 'lightgbm'");
        var hit = Assert.Single(found.GetProperty("items").EnumerateArray());
        Assert.Equal(run, hit.GetProperty("run_id").GetString());
        Assert.Equal("FINISHED", hit.GetProperty("status").GetString());

        await JsonAsync("models", "create", name);
        var version = await JsonAsync("models", "register", name, "--run", run, "--path", "model/model.zip");
        Assert.Equal(1, version.GetProperty("version").GetInt64());
        await JsonAsync("models", "alias", "set", name, "champion", "1");
        var champion = await JsonAsync("models", "version", $"{name}@champion");
        Assert.Equal(1, champion.GetProperty("version").GetInt64());
        var lineage = await JsonAsync("models", "lineage", $"{name}@champion");
        Assert.Equal(run, lineage.GetProperty("run").GetProperty("run_id").GetString());
        Assert.Equal("sha256:feed", lineage.GetProperty("datasets")[0].GetProperty("digest").GetString());

        var download = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".zip");
        Assert.Equal(0, (await Gyre("runs", "artifacts", "download", run, "model/model.zip", "-o", download)).ExitCode);
        Assert.Equal([1, 2, 3, 4], await File.ReadAllBytesAsync(download));
        File.Delete(modelFile);
        File.Delete(download);
    }

    [Fact]
    public async Task Tables_ForPeople_ShowTheValues()
    {
        var name = "tbl-" + Guid.NewGuid().ToString("N")[..8];
        await JsonAsync("experiments", "create", name);
        var table = await Gyre("experiments", "list", "--filter", $"name = '{name}'");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains(name, table.Stdout, StringComparison.Ordinal);
        Assert.Contains("NAME", table.Stdout, StringComparison.Ordinal);
        var empty = await Gyre("experiments", "list", "--filter", "name = 'no-such-experiment'");
        Assert.Contains("No experiments match", empty.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricHistory_PrintsEveryPoint()
    {
        var run = (await JsonAsync("runs", "create")).GetProperty("run_id").GetString()!;
        await Gyre("runs", "log", run, "-m", "loss=3@3", "-m", "loss=1@1", "-m", "loss=NaN@2");
        var history = await JsonAsync("runs", "metric", run, "loss");
        var points = history.GetProperty("metrics").EnumerateArray().ToList();
        Assert.Equal([1L, 2, 3], points.Select(p => p.GetProperty("step").GetInt64()));
        Assert.Equal("NaN", points[1].GetProperty("value").GetString());
    }
}
