using System.Net;
using System.Net.Http.Json;
using Gyre.Core.Pipelines;
using Gyre.Core.Pipelines.Runs;

namespace Gyre.Server.Tests.Pipelines;

/// <summary>Pipelines run end to end through HTTP on a real server: from a CSV to a served endpoint, cached re-runs, lineage.</summary>
public abstract class PipelineRunTests<TBackend>(TBackend fixture) : IClassFixture<TBackend> where TBackend : ServerFixture
{
    private const string Suite = """
        constraints:
          - {type: is_complete, column: customer_id}
          - {type: is_unique, column: customer_id}
          - {type: is_contained_in, column: contract, values: [monthly, yearly, two_year]}
        """;

    private static string Churn(string name, string endpoint, string extra = "") => $$$"""
        name: {{{name}}}
        params: {label: churned, leaves: 10}
        steps:
          - {id: data, uses: ingest, with: {dataset: {{{name}}}, path: churn.csv}}
          - {id: check, uses: validate, needs: [data], with: {suite: suite.yaml}}
          - {id: split, uses: split, needs: [check], with: {method: hash, key: customer_id, test: 0.25}}
          - {id: train, uses: train, needs: [split], with: {task: binary, hyperparameters: {min_data_per_leaf: "${params.leaves}"} }}
          - {id: eval, uses: evaluate, needs: [train, split]}
          - {id: gate, uses: gate, needs: [eval], with: {metric: auc, threshold: 0.75, min_absolute_change: 0.002}}
          - {id: ship, uses: deploy, needs: [gate], with: {endpoint: {{{endpoint}}}, strategy: blue_green, retention_seconds: 0, wait: true}}
        {{{extra}}}
        """;

    [SkippableFact]
    public async Task CsvToEndpoint_RunsEveryStep_ServesTheModel_AndRecordsLineage()
    {
        using var work = PipelineWorkspace.Create(fixture.Server);
        var name = Unique.Name("churn");
        var endpoint = Unique.Name("ep");
        work.WriteChurn("churn.csv", 800);
        work.Write("suite.yaml", Suite);
        await work.SaveAsync(Churn(name, endpoint));

        var run = await work.RunAsync(name);

        Assert.True(run.State == RunStates.Succeeded, run.Error);
        Assert.All(run.Steps, s => Assert.True(s.State == StepStates.Succeeded, $"{s.Id}: {s.State} {s.Error}"));
        Assert.Equal(TriggerTypes.Manual, run.Trigger.Type);
        Assert.Equal($"dataset:{name}@1", run.Step("data").Outputs![0].Uri);
        Assert.Equal(["train", "test"], run.Step("split").Outputs!.Select(o => o.Role));
        Assert.Equal($"model:{name}/1", run.Step("train").Outputs![0].Uri);
        Assert.True(run.Step("eval").Outputs![0].Properties!["metrics"]!["auc"]!.GetValue<double>() > 0.75);
        Assert.Equal($"created endpoint '{endpoint}' serving {name}/1", run.Step("ship").Summary);

        var answer = await fixture.Server.Client.Endpoints.PredictAsync(endpoint,
            [new Dictionary<string, object?> { ["tenure"] = 2, ["contract"] = "monthly", ["support_calls"] = 5 }]);
        Assert.Equal($"{name}/1", answer.Model);
        Assert.Equal("true", answer.Predictions[0].GetProperty("label").GetString());
        Assert.Equal(1, (await fixture.Server.Client.Models.GetByAliasAsync(name, "champion")).Version);

        var upstream = await fixture.Server.Client.Pipelines.LineageAsync($"model:{name}/1");
        Assert.Equal([run.Id], upstream.Runs);
        Assert.Equal([$"dataset:{name}.train@1", $"dataset:{name}@1"], upstream.Datasets);
        var train = Assert.Single(upstream.Executions, e => e.Step == "train");
        Assert.Equal("train/1", train.CodeVersion);
        Assert.Equal(10, train.Parameters["hyperparameters"]!["min_data_per_leaf"]!.GetValue<double>());
        Assert.Contains(upstream.Artifacts, a => a.Uri.StartsWith("file:" + work.PathOf("churn.csv") + "#sha256:", StringComparison.Ordinal));

        var downstream = await fixture.Server.Client.Pipelines.LineageAsync($"dataset:{name}@1", "downstream");
        Assert.Contains($"model:{name}/1", downstream.Models);
        var deployed = Assert.Single(downstream.Deployed);
        Assert.Equal((endpoint, 100), (deployed.Endpoint, deployed.Weight));

        var log = await fixture.Server.Client.Pipelines.GetLogsAsync(run.Id, "train");
        Assert.Contains($"registered {name}/1", log, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Rerun_ReusesUnchangedSteps_AndRunsOnlyWhatAChangeReaches()
    {
        using var work = PipelineWorkspace.Create(fixture.Server);
        var name = Unique.Name("cache");
        var endpoint = Unique.Name("ep");
        work.WriteChurn("churn.csv", 600);
        work.Write("suite.yaml", Suite);
        await work.SaveAsync(Churn(name, endpoint));
        var first = await work.RunAsync(name);
        Assert.True(first.State == RunStates.Succeeded, first.Error);

        // Nothing changed: every cacheable step is a hit, and deploy sees the model already served.
        var second = await work.RunAsync(name);
        Assert.Equal(RunStates.Succeeded, second.State);
        Assert.Equal(["cached", "cached", "cached", "cached", "cached", "succeeded", "succeeded"], second.Steps.Select(s => s.State));
        Assert.Equal(first.Step("train").Outputs![0].Uri, second.Step("train").Outputs![0].Uri);
        Assert.Equal($"'{endpoint}' already serves {name}/1", second.Step("ship").Summary);

        // A parameter of train changes: everything before it is reused, train and what follows run.
        var third = await work.RunAsync(name, new Dictionary<string, string> { ["leaves"] = "20" });
        Assert.Equal(["cached", "cached", "cached", "succeeded", "succeeded"], third.Steps.Take(5).Select(s => s.State));
        Assert.Equal($"model:{name}/2", third.Step("train").Outputs![0].Uri);

        // The file changes (its size and time with it): it is hashed again and becomes a new version, and every step after runs.
        work.WriteChurn("churn.csv", 700, seed: 2);
        var fourth = await work.RunAsync(name);
        Assert.Equal(["succeeded", "succeeded", "succeeded", "succeeded"], fourth.Steps.Take(4).Select(s => s.State));
        Assert.Equal($"dataset:{name}@2", fourth.Step("data").Outputs![0].Uri);

        // The same file under another pipeline's name: its data and split are shared, but it trains and registers its own model.
        var other = Unique.Name("other");
        await work.SaveAsync(Churn(name, Unique.Name("ep")).Replace($"name: {name}\n", $"name: {other}\n", StringComparison.Ordinal));
        var theirs = await work.RunAsync(other);
        Assert.Equal(["cached", "cached", "cached", "succeeded"], theirs.Steps.Take(4).Select(s => s.State));
        Assert.Equal($"model:{other}/1", theirs.Step("train").Outputs![0].Uri);

        // --no-cache runs every step; the same content is the same version. The retrained model is no
        // better than the champion trained on the same data, so the gate stops the deployment.
        var fifth = await work.RunAsync(name, noCache: true);
        Assert.All(fifth.Steps.Take(6), s => Assert.True(s.State == StepStates.Succeeded, $"{s.Id}: {s.State} {s.Error}"));
        Assert.Equal(StepStates.Skipped, fifth.Step("ship").State);
        Assert.StartsWith($"gate 'gate' rejected {name}/4", fifth.Step("ship").StopReason, StringComparison.Ordinal);
        Assert.Equal($"dataset:{name}@2", fifth.Step("data").Outputs![0].Uri);
    }

    [SkippableFact]
    public async Task RejectingGate_SkipsTheDeployment_AndTheRunSucceeds()
    {
        using var work = PipelineWorkspace.Create(fixture.Server);
        var name = Unique.Name("gate");
        var endpoint = Unique.Name("ep");
        work.WriteChurn("churn.csv", 500);
        work.Write("suite.yaml", Suite);
        await work.SaveAsync(Churn(name, endpoint).Replace("threshold: 0.75", "threshold: 0.9999", StringComparison.Ordinal));

        var run = await work.RunAsync(name);

        Assert.Equal(RunStates.Succeeded, run.State);
        Assert.Equal(StepStates.Succeeded, run.Step("gate").State);
        Assert.False(run.Step("gate").Outputs![0].Properties!["passed"]!.GetValue<bool>());
        var ship = run.Step("ship");
        Assert.Equal(StepStates.Skipped, ship.State);
        Assert.StartsWith($"gate 'gate' rejected {name}/1", ship.StopReason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}")).StatusCode);
    }

    [SkippableFact]
    public async Task FailedValidation_FailsTheStep_AndNothingTrains()
    {
        using var work = PipelineWorkspace.Create(fixture.Server);
        var name = Unique.Name("invalid");
        work.WriteChurn("churn.csv", 300);
        File.AppendAllText(work.PathOf("churn.csv"), "c000001,5,weekly,1,true\n");
        work.Write("suite.yaml", Suite);
        await work.SaveAsync(Churn(name, Unique.Name("ep")));

        var run = await work.RunAsync(name);

        Assert.Equal(RunStates.Failed, run.State);
        Assert.StartsWith($"{name}@1 failed validation: 2 of 3 constraints failed", run.Step("check").Error, StringComparison.Ordinal);
        Assert.Equal(["skipped", "skipped", "skipped", "skipped", "skipped"], run.Steps.Skip(2).Select(s => s.State));
        Assert.Equal("skipped: 'check' failed", run.Step("split").Error);
        Assert.Contains("is_unique customer_id", await fixture.Server.Client.Pipelines.GetLogsAsync(run.Id, "check"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task PipelinesAndRuns_AreListed_AndUnknownOnesAre404()
    {
        using var work = PipelineWorkspace.Create(fixture.Server);
        var name = Unique.Name("list");
        await work.SaveAsync($"name: {name}\nsteps:\n  - {{id: a, uses: command, with: {{run: 'echo hello from $GYRE_STEP'}}}}\n");
        var run = await work.RunAsync(name);
        Assert.Equal(RunStates.Succeeded, run.State);
        Assert.Equal("hello from a\n", (await fixture.Server.Client.Pipelines.GetLogsAsync(run.Id, "a")).Split('\n', 2)[1]);

        Assert.Contains((await fixture.Server.Client.Pipelines.ListAsync()).Items, p => p.Name == name);
        Assert.Equal([run.Id], (await fixture.Server.Client.Pipelines.ListRunsAsync(name)).Items.Select(r => r.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.Http.GetAsync("/api/v1/pipeline-runs/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.Http.GetAsync($"/api/v1/pipeline-runs/{run.Id}/steps/nope/logs")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Server.Http.GetAsync("/api/v1/pipeline-runs/abc")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Server.Http.GetAsync("/api/v1/lineage")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.Http.GetAsync("/api/v1/lineage?uri=model:nothing/1")).StatusCode);
        var resumed = await fixture.Server.Http.PostAsync($"/api/v1/pipeline-runs/{run.Id}/resume", NoBody.Json());
        Assert.Equal(HttpStatusCode.Conflict, resumed.StatusCode);
        await fixture.Server.Client.Pipelines.DeleteAsync(name);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.Http.GetAsync($"/api/v1/pipelines/{name}")).StatusCode);
        Assert.Equal(RunStates.Succeeded, (await fixture.Server.Client.Pipelines.GetRunAsync(run.Id)).State);
    }

    [SkippableFact]
    public async Task AlertTrigger_IsRecorded_AndOtherTriggerTypesAreRefusedFromOutside()
    {
        using var work = PipelineWorkspace.Create(fixture.Server);
        var name = Unique.Name("alert");
        await work.SaveAsync($"name: {name}\nsteps:\n  - {{id: a, uses: command, with: {{run: 'true'}}}}\n");
        var started = await fixture.Server.Client.Pipelines.StartRunAsync(name, new StartRunRequest(Trigger: "alert", Detail: "drift on churn"));
        var run = await work.WaitAsync(started.Id);
        Assert.Equal(new RunTrigger("alert", "drift on churn"), run.Trigger);
        var refused = await fixture.Server.Http.PostAsJsonAsync($"/api/v1/pipelines/{name}/runs", new { trigger = "schedule" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("trigger: expected manual or alert, got 'schedule'", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class PipelineRunTestsOnSqlite(ServerFixture fixture) : PipelineRunTests<ServerFixture>(fixture);

public sealed class PipelineRunTestsOnPostgres(PostgresServerFixture fixture) : PipelineRunTests<PostgresServerFixture>(fixture);
