using System.Text.Json;

namespace Gyre.Cli.Tests;

/// <summary>Pipelines through the <c>gyre</c> program: the shipped example, progress, lineage, invalid files, and a server killed mid-run.</summary>
public sealed class CliPipelineTests
{
    private static JsonElement Json(GyreProcess.Result result)
    {
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement;
    }

    [Fact]
    public async Task ShippedExample_RunsToAnEndpoint_ThenRerunsFromTheCache_AndTracesItsLineage()
    {
        await using var server = await ServerProcess.StartAsync();
        var example = Path.Combine(AppContext.BaseDirectory, "examples", "churn", "pipeline.yaml");
        Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(server.Environment, args);

        var first = await Gyre("pipelines", "run", example);

        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Contains("✓ train", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("created endpoint 'churn' serving churn/1", first.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("run 1 succeeded (7 succeeded)", first.Stdout.Trim(), StringComparison.Ordinal);

        var second = await Gyre("pipelines", "run", example);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("↺ train            cached", second.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("run 2 succeeded (5 cached, 2 succeeded)", second.Stdout.Trim(), StringComparison.Ordinal);

        var lineage = await Gyre("lineage", "churn/1");
        Assert.True(lineage.ExitCode == 0, lineage.Stderr);
        Assert.Contains("made: model=model:churn/1", lineage.Stdout, StringComparison.Ordinal);
        Assert.Contains("datasets: dataset:churn.train@1, dataset:churn@1", lineage.Stdout, StringComparison.Ordinal);
        var downstream = Json(await Gyre("lineage", "churn@1", "--downstream", "--json"));
        Assert.Equal("churn", downstream.GetProperty("deployed")[0].GetProperty("endpoint").GetString());

        var runs = Json(await Gyre("pipelines", "runs", "churn", "--json"));
        Assert.Equal([2, 1], runs.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
        var logs = await Gyre("pipelines", "logs", "1", "train");
        Assert.Contains("registered churn/1", logs.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidFile_ExitsNonZero_WithOneLineNamingEachProblem()
    {
        await using var server = await ServerProcess.StartAsync();
        var file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, "name: bad\nsteps:\n  - {id: a, uses: ingest, with: {dataset: d}}\n  - {id: b, uses: trian, needs: [c]}\n");
        try
        {
            var result = await GyreProcess.RunAsync(server.Environment, "pipelines", "validate", file);

            Assert.Equal(1, result.ExitCode);
            var line = Assert.Single(result.Stderr.Trim().Split('\n'));
            Assert.StartsWith("gyre: error: invalid_argument: 2 problems: line 4: steps.b.uses: unknown step type 'trian'", line, StringComparison.Ordinal);
            Assert.Contains("line 4: steps.b.needs: 'c' is not a step; expected one of a, b", line, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ServerKilledMidRun_GoesOnByItselfAfterTheRestart_FromTheLastFinishedStep()
    {
        var work = Directory.CreateTempSubdirectory("gyre-cli-pipeline-").FullName;
        var server = await ServerProcess.StartAsync();
        ServerProcess? restarted = null;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(work, "pipeline.yaml"), """
                name: nightly
                steps:
                  - {id: prepare, uses: command, with: {run: 'echo prepared >> prepared.txt'}}
                  - {id: long, uses: command, needs: [prepare], with: {run: 'echo started; while [ ! -f release ]; do sleep 0.1; done'}}
                  - {id: report, uses: command, needs: [long], with: {run: 'echo reported'}}
                """);
            var started = Json(await GyreProcess.RunAsync(server.Environment, "pipelines", "run", Path.Combine(work, "pipeline.yaml"), "--detach", "--json"));
            var id = started.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
            JsonElement run;
            do
            {
                run = Json(await GyreProcess.RunAsync(server.Environment, "pipelines", "show", id, "--json"));
            }
            while (run.GetProperty("steps")[1].GetProperty("state").GetString() != "running");

            // The run's worker dies with the server; the restarted server finds the run abandoned and runs it on as attempt 2.
            await server.KillAsync();
            restarted = await ServerProcess.StartAsync(server.Home);
            Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(restarted.Environment, args);
            do
            {
                run = Json(await Gyre("pipelines", "show", id, "--json"));
            }
            while (run.GetProperty("attempt").GetInt32() < 2 || run.GetProperty("steps")[1].GetProperty("state").GetString() != "running");
            Assert.Equal("running", run.GetProperty("state").GetString());

            await File.WriteAllTextAsync(Path.Combine(work, "release"), "");
            do
            {
                run = Json(await Gyre("pipelines", "show", id, "--json"));
            }
            while (run.GetProperty("state").GetString() == "running");
            Assert.Equal(("succeeded", 2), (run.GetProperty("state").GetString(), run.GetProperty("attempt").GetInt32()));
            // The finished step kept its outputs and ran once; the one that was running ran again from its start.
            Assert.Equal([1, 2, 1], run.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("attempts").GetInt32()));
            Assert.Equal(["prepared"], await File.ReadAllLinesAsync(Path.Combine(work, "prepared.txt")));
            Assert.Equal(2, (await Gyre("pipelines", "logs", id, "long")).Stdout.Split('\n').Count(l => l == "started"));
            Assert.Contains("reported", (await Gyre("pipelines", "logs", id, "report")).Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
            Directory.Delete(work, recursive: true);
        }
    }
}
