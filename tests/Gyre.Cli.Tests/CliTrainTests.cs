using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Gyre.Cli.Tests;

public sealed class CliTrainTests(ServerProcessFixture fixture) : IClassFixture<ServerProcessFixture>
{
    private Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(fixture.Server.Environment, args);

    [Fact]
    public async Task Train_FromTheCommandLine_ReportsTestMetricsAndRegisters()
    {
        var name = "cli-train-" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(Path.GetTempPath(), name + ".csv");
        var random = new Random(5);
        var csv = new StringBuilder("x,noise,group,y\n");
        for (var i = 0; i < 300; i++)
        {
            var x = random.NextDouble();
            csv.Append(CultureInfo.InvariantCulture, $"{x:F4},{random.NextDouble():F4},{(i % 2 == 0 ? "a" : "b")},{(x > 0.5 ? 1 : 0)}\n");
        }
        await File.WriteAllTextAsync(file, csv.ToString());
        try
        {
            Assert.Equal(0, (await Gyre("data", "add", file, "--name", name)).ExitCode);
            var trained = await Gyre("train", "--dataset", $"{name}@1", "--task", "binary", "--label", "y", "--trainer", "fasttree",
                "-p", "num_trees=20", "--register", name, "--json");
            Assert.True(trained.ExitCode == 0, trained.Stderr);
            var result = JsonDocument.Parse(trained.Stdout).RootElement;
            Assert.InRange(result.GetProperty("binary").GetProperty("auc").GetDouble(), 0.95, 1.0);
            Assert.Equal(1, result.GetProperty("model_version").GetProperty("version").GetInt64());

            // Batch scoring of the test part with the registered package gives the training's own test AUC.
            var testPart = Path.Combine(Path.GetTempPath(), name + ".test.parquet");
            var scored = Path.Combine(Path.GetTempPath(), name + ".scored.csv");
            using (var http = new HttpClient { BaseAddress = new Uri(fixture.Server.Url) })
            {
                await File.WriteAllBytesAsync(testPart, await http.GetByteArrayAsync($"/api/v1/datasets/{name}.test/versions/1/content"));
            }
            var predicted = await Gyre("predict", "--model", $"{name}/1", "--input", testPart, "--output", scored);
            Assert.True(predicted.ExitCode == 0, predicted.Stderr);
            Assert.StartsWith("Scored 60 rows with", predicted.Stdout, StringComparison.Ordinal);
            var lines = (await File.ReadAllLinesAsync(scored)).Select(l => l.Split(',')).ToList();
            Assert.Equal(["x", "noise", "group", "y", "probability", "predicted_label"], lines[0]);
            var auc = Core.Learning.Evaluation.Metrics.Binary(
                [.. lines.Skip(1).Select(l => l[3] == "1")], [.. lines.Skip(1).Select(l => double.Parse(l[4], CultureInfo.InvariantCulture))]).Auc;
            Assert.Equal(result.GetProperty("binary").GetProperty("auc").GetDouble(), auc, 9);
            File.Delete(testPart);
            File.Delete(scored);
            var missing = await Gyre("predict", "--model", $"{name}/1", "--input", file.Replace(".csv", ".xlsx", StringComparison.Ordinal), "--output", scored);
            Assert.Equal(1, missing.ExitCode);

            // The gate: no champion yet, so only the threshold applies; an unreachable one fails with exit 1.
            var passed = await Gyre("models", "gate", $"{name}/1", "--metric", "auc", "--threshold", "0.9");
            Assert.True(passed.ExitCode == 0, passed.Stderr);
            // With a fairness bound: the groups (independent of x here) pass the four-fifths rule, and both groups' metrics are printed.
            var fair = await Gyre("models", "gate", $"{name}/1", "--metric", "auc", "--threshold", "0.9", "--sensitive", "group", "--min-disparate-impact", "0.8");
            Assert.True(fair.ExitCode == 0, fair.Stdout + fair.Stderr);
            Assert.Contains($"Bias of {name}/1 by group (favourable y = 1), each group against the others:", fair.Stdout, StringComparison.Ordinal);
            Assert.Contains("bias group=a", fair.Stdout, StringComparison.Ordinal);
            Assert.Single(fair.Stdout.Split('\n'), l => l.StartsWith("│ b ", StringComparison.Ordinal));
            var failedGate = await Gyre("models", "gate", $"{name}/1", "--metric", "log_loss", "--threshold", "0.000001");
            Assert.Equal(1, failedGate.ExitCode);
            Assert.StartsWith($"gyre: error: conflict: {name}/1 failed the gate: log_loss ", failedGate.Stderr.Trim(), StringComparison.Ordinal);
            var version = JsonDocument.Parse((await Gyre("models", "version", $"{name}/1", "--json")).Stdout).RootElement;
            Assert.Contains(version.GetProperty("tags").EnumerateArray(), t => t.GetProperty("key").GetString() == "gyre.gate" && t.GetProperty("value").GetString() == "failed");

            var shown = await Gyre("train", "--dataset", name, "--task", "binary", "--label", "y");
            Assert.True(shown.ExitCode == 0, shown.Stderr);
            Assert.Contains("auc", shown.Stdout, StringComparison.Ordinal);

            var bad = await Gyre("train", "--dataset", name, "--task", "binary", "--label", "target");
            Assert.Equal(1, bad.ExitCode);
            Assert.Equal($"gyre: error: invalid_argument: label: column 'target' does not exist in {name}@1; its columns are x, noise, group, y", bad.Stderr.Trim());
            var badParam = await Gyre("train", "--dataset", name, "--task", "binary", "-p", "leaves");
            Assert.Equal("gyre: error: invalid_argument: --param: expected NAME=NUMBER, got 'leaves'", badParam.Stderr.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
