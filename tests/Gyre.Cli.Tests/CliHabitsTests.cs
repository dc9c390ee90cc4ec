using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Gyre.Cli.Tests;

/// <summary>What a newcomer runs into in the first hour at the command line: mistakes named, one lineage, tables that fit.</summary>
public sealed class CliHabitsTests(ServerProcessFixture fixture) : IClassFixture<ServerProcessFixture>
{
    private Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(fixture.Server.Environment, args);

    private static string Name(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    [Theory]
    [InlineData(new[] { "experimnts", "list" }, "gyre: error: unknown command 'experimnts'; did you mean 'experiments'? (see 'gyre --help')")]
    [InlineData(new[] { "data", "lst" }, "gyre: error: unknown command 'lst'; did you mean 'list'? (see 'gyre data --help')")]
    [InlineData(new[] { "experiments", "list", "--jsn" }, "gyre: error: unknown option '--jsn'; did you mean '--json'? (see 'gyre experiments list --help')")]
    public async Task AMistypedCommandOrOption_IsNamed_WithTheNearestThatExists(string[] args, string expected)
    {
        var result = await GyreProcess.RunAsync(null, args);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(expected, result.Stderr.Trim());
    }

    [Fact]
    public async Task ServerHelp_OffersNeitherServerNorJson_WhichClientCommandsTake()
    {
        var server = await GyreProcess.RunAsync(null, "server", "--help");
        Assert.DoesNotContain("--server", server.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("--json", server.Stdout, StringComparison.Ordinal);
        Assert.Contains("--drain", server.Stdout, StringComparison.Ordinal);
        var client = await GyreProcess.RunAsync(null, "experiments", "list", "--help");
        Assert.Contains("--server", client.Stdout, StringComparison.Ordinal);
        Assert.Contains("--json", client.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APortInUse_IsOneLine_AndTheServerCreatesNothing()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var home = ServerProcess.NewHome();
        var result = await GyreProcess.RunAsync(null, "server", "--urls", $"http://127.0.0.1:{port}", "--home", home);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"gyre: error: conflict: --urls: http://127.0.0.1:{port} is in use by another program (another gyre server?); stop it or choose another port", result.Stderr.Trim());
        Assert.False(Directory.Exists(home));
    }

    [Fact]
    public async Task Tables_FitColumns_AndPipedOnesAreNeverWrapped()
    {
        var name = "a-rather-long-experiment-name-that-would-not-fit-" + Guid.NewGuid().ToString("N");
        Assert.Equal(0, (await Gyre("experiments", "create", name)).ExitCode);
        var piped = await Gyre("experiments", "list");
        Assert.Contains(piped.Stdout.Split('\n'), line => line.Contains(name, StringComparison.Ordinal));
        var narrow = await GyreProcess.RunAsync(new Dictionary<string, string?>(fixture.Server.Environment) { ["COLUMNS"] = "72" }, "experiments", "list");
        Assert.All(narrow.Stdout.Split('\n'), line => Assert.True(line.Length <= 72, $"{line.Length} columns: {line}"));
    }

    /// <summary>A dataset where y follows x (with noise), and a model trained on it by the CLI.</summary>
    private async Task<(string Dataset, string Model, string Experiment)> TrainAsync(params string[] extra)
    {
        var dataset = Name("habit");
        var file = Path.Combine(Path.GetTempPath(), dataset + ".csv");
        var random = new Random(4);
        var csv = new StringBuilder("x,group,y\n");
        for (var i = 0; i < 300; i++)
        {
            var x = random.NextDouble();
            csv.Append(CultureInfo.InvariantCulture, $"{x:F4},{(i % 3 == 0 ? "a" : "b")},{(x + (random.NextDouble() * 0.3) > 0.6 ? "yes" : "no")}\n");
        }
        await File.WriteAllTextAsync(file, csv.ToString());
        try
        {
            Assert.Equal(0, (await Gyre("data", "add", file, "--name", dataset)).ExitCode);
        }
        finally
        {
            File.Delete(file);
        }
        var model = dataset + "-model";
        var experiment = dataset + "-exp";
        var trained = await Gyre(["train", "--dataset", dataset, "--task", "binary", "--label", "y", "--register", model, "--experiment", experiment, .. extra]);
        Assert.True(trained.ExitCode == 0, trained.Stderr);
        return (dataset, model, experiment);
    }

    [Fact]
    public async Task Train_InAnExperiment_AndItsModelsLineage_IsTheRunAndItsData()
    {
        var (dataset, model, experiment) = await TrainAsync();
        var runs = JsonDocument.Parse((await Gyre("runs", "search", "-e", JsonDocument.Parse((await Gyre("experiments", "show", experiment, "--by-name", "--json")).Stdout)
            .RootElement.GetProperty("experiment_id").GetString()!, "--json")).Stdout).RootElement.GetProperty("items");
        Assert.Equal(1, runs.GetArrayLength());

        var lineage = await Gyre("lineage", $"{model}/1");
        Assert.True(lineage.ExitCode == 0, lineage.Stderr);
        Assert.Contains($"tracking run {runs[0].GetProperty("run_id").GetString()}", lineage.Stdout, StringComparison.Ordinal);
        Assert.Contains($"made: model=model:{model}/1", lineage.Stdout, StringComparison.Ordinal);
        Assert.Contains($"dataset:{dataset}.train@1", lineage.Stdout, StringComparison.Ordinal);
        Assert.Contains($"dataset:{dataset}.test@1", lineage.Stdout, StringComparison.Ordinal);
        // The training's duration is the training's, not the moment it took to record it.
        var run = runs[0];
        Assert.True(run.GetProperty("end_time").GetInt64() - run.GetProperty("start_time").GetInt64() >= 1000 * run.GetProperty("metrics").EnumerateArray()
            .First(m => m.GetProperty("key").GetString() == "training_seconds").GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task ASearch_LeavesNoDatasetsOfItsOwn()
    {
        var (dataset, _, _) = await TrainAsync("--search-trials", "2");
        var listed = await Gyre("data", "list");
        Assert.Contains($"{dataset}.train", listed.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain($"{dataset}.train.train", listed.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain($"{dataset}.train.test", listed.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feedback_FromACsvFile_AndFromJsonOnStandardInput()
    {
        var (_, model, _) = await TrainAsync();
        var endpoint = Name("fb");
        Assert.Equal(0, (await Gyre("endpoints", "create", endpoint, "--model", $"{model}/1")).ExitCode);
        var answer = JsonDocument.Parse((await Gyre("endpoints", "predict", endpoint, "--json", "--data",
            """{"instances": [{"x": 0.1, "group": "a"}, {"x": 0.9, "group": "b"}, {"x": 0.5, "group": "a"}]}""")).Stdout).RootElement;
        var ids = answer.GetProperty("prediction_ids").EnumerateArray().Select(i => i.GetString()!).ToList();

        var file = Path.Combine(Path.GetTempPath(), endpoint + ".csv");
        await File.WriteAllTextAsync(file, $"prediction_id,actual\n{ids[0]},no\n{ids[1]},yes\n");
        try
        {
            var fromFile = await Gyre("endpoints", "feedback", endpoint, file);
            Assert.True(fromFile.ExitCode == 0, fromFile.Stderr);
            Assert.Equal("accepted 2, repeated 0, unknown 0", fromFile.Stdout.Trim());
        }
        finally
        {
            File.Delete(file);
        }
        var json = JsonSerializer.Serialize(new[] { new { prediction_id = ids[2], actual = "no" }, new { prediction_id = ids[0], actual = "no" } });
        var fromInput = await GyreProcess.RunWithInputAsync(fixture.Server.Environment, json, "endpoints", "feedback", endpoint, "-");
        Assert.True(fromInput.ExitCode == 0, fromInput.Stderr);
        Assert.Equal("accepted 1, repeated 1, unknown 0", fromInput.Stdout.Trim());
        var bad = await GyreProcess.RunWithInputAsync(fixture.Server.Environment, "id,value\n1,2\n", "endpoints", "feedback", endpoint, "-");
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("gyre: error: invalid_argument: file: expected a JSON array, or a CSV whose header names prediction_id and actual", bad.Stderr.Trim());
    }

    [Fact]
    public async Task DataDelete_RemovesTheDataset_AndSaysWhenThereIsNone()
    {
        var name = Name("gone");
        var file = Path.Combine(Path.GetTempPath(), name + ".csv");
        await File.WriteAllTextAsync(file, "a,b\n1,2\n3,4\n");
        try
        {
            Assert.Equal(0, (await Gyre("data", "add", file, "--name", name)).ExitCode);
        }
        finally
        {
            File.Delete(file);
        }
        var deleted = await Gyre("data", "delete", name);
        Assert.Equal(0, deleted.ExitCode);
        Assert.Equal($"deleted dataset {name}", deleted.Stdout.Trim());
        Assert.DoesNotContain(name, (await Gyre("data", "list")).Stdout, StringComparison.Ordinal);
        var again = await Gyre("data", "delete", name);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal($"gyre: error: not_found: dataset '{name}' does not exist", again.Stderr.Trim());
    }
}
