using System.Globalization;
using Gyre.Core.Api;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Pipelines.Runs;
using Gyre.Core.Tracking;
using Gyre.Server.Tests.Pipelines;

namespace Gyre.Server.Tests.Dashboard;

/// <summary>
/// A server with a bit of everything, made through the API as users make it: an experiment whose
/// runs have metric histories; a pipeline run twice (validated data, a trained, gated and registered
/// model, an endpoint, then a canary of v2 that bakes for an hour); traffic with feedback, then
/// shifted traffic that a monitor finds drifted and a policy answers.
/// </summary>
public sealed class DashboardWorld : IAsyncLifetime
{
    private PipelineWorkspace _work = null!;

    public TestServer Server { get; private set; } = null!;

    public string Experiment { get; } = Unique.Name("dash-exp");

    public ExperimentId ExperimentId { get; private set; }

    public string Pipeline { get; } = Unique.Name("dash-train");

    public string Model => Pipeline;

    public string Dataset { get; } = Unique.Name("dash-data");

    public string Endpoint { get; } = Unique.Name("dash-ep");

    public string Policy { get; } = Unique.Name("dash-policy");

    public long CanaryRollout { get; private set; }

    /// <summary>A second endpoint on v1 whose v2 runs as a shadow: copies of every request, compared, never answered.</summary>
    public string ShadowEndpoint { get; } = Unique.Name("dash-shadow");

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        await LogExperimentAsync();
        _work = PipelineWorkspace.Create(Server);
        await TrainAndDeployAsync();
        await WatchTrafficAsync();
        await ShadowAsync();
    }

    private async Task ShadowAsync()
    {
        await Server.Client.Endpoints.CreateAsync(ShadowEndpoint, $"{Model}/1");
        await Server.Client.Endpoints.StartRolloutAsync(ShadowEndpoint, new Core.Serving.Rollouts.RolloutRequest($"{Model}/2", Core.Serving.Rollouts.RolloutStrategies.Shadow, ShadowPercent: 100));
        var random = new Random(9);
        string[] contracts = ["monthly", "yearly", "two_year"];
        await Server.Client.Endpoints.PredictAsync(ShadowEndpoint, [.. Enumerable.Range(0, 50).Select(_ => Row(random.Next(72), contracts[random.Next(3)], random.Next(6)))]);
    }

    private async Task LogExperimentAsync()
    {
        ExperimentId = (await Server.Client.Experiments.CreateAsync(Experiment)).ExperimentId;
        (string Trainer, double Auc)[] runs = [("lightgbm", 0.91), ("fasttree", 0.83), ("linear", 0.71)];
        foreach (var (trainer, auc) in runs)
        {
            var run = await Server.Client.Runs.CreateAsync(ExperimentId, $"{trainer}-run");
            var history = Enumerable.Range(0, 5).Select(step => new MetricInput("auc", auc - ((4 - step) * 0.05), step)).ToList();
            await Server.Client.Runs.LogBatchAsync(run.RunId, [.. history, new MetricInput("val loss", 1 - auc, 4)], [new Param("trainer", trainer), new Param("rounds", "100")]);
            await Server.Client.Runs.EndAsync(run.RunId);
        }
    }

    private async Task TrainAndDeployAsync()
    {
        _work.Write("suite.yaml", """
            constraints:
              - {type: has_size, min: 100}
              - {type: is_complete, column: customer_id}
              - {type: has_min, column: tenure, min: 0}
              - {type: has_max, column: support_calls, max: 3, severity: warning}
            """);
        await _work.SaveAsync($$$"""
            name: {{{Pipeline}}}
            description: churn from CSV to a canary
            steps:
              - {id: data, uses: ingest, with: {dataset: {{{Dataset}}}, path: churn.csv}}
              - {id: check, uses: validate, needs: [data], with: {suite: suite.yaml}}
              - {id: split, uses: split, needs: [check], with: {test: 0.25}}
              - {id: train, uses: train, needs: [split], with: {task: binary, label: churned, features: [tenure, contract, support_calls]}}
              - {id: eval, uses: evaluate, needs: [train, split]}
              - {id: gate, uses: gate, needs: [eval], with: {metric: auc, threshold: 0.6}}
              - {id: ship, uses: deploy, needs: [gate], with: {endpoint: {{{Endpoint}}}, strategy: canary, steps: [10, 50, 100], bake_seconds: 3600}}
            """);
        _work.WriteChurn("churn.csv", 400, seed: 1);
        Assert.Equal(RunStates.Succeeded, (await _work.RunAsync(Pipeline)).State);
        _work.WriteChurn("churn.csv", 500, seed: 2);
        var second = await _work.RunAsync(Pipeline);
        Assert.True(second.State == RunStates.Succeeded, second.Error ?? string.Join("; ", second.Steps.Select(s => $"{s.Id} {s.State} {s.Error}")));
        var rollouts = await Server.Client.Endpoints.ListRolloutsAsync(Endpoint);
        CanaryRollout = Assert.Single(rollouts.Items).Id;
    }

    private async Task WatchTrafficAsync()
    {
        var noop = Unique.Name("dash-noop");
        await Server.Client.Pipelines.SaveAsync($"name: {noop}\nsteps:\n  - {{id: a, uses: command, with: {{run: 'true'}}}}\n");
        // An alarm on the first drifted window: the world shows a firing without a second one. Bias by
        // contract (any column can be the facet, as in Clarify), from the first window's labels.
        await Server.Client.Endpoints.SetMonitorAsync(Endpoint, new MonitorSettings(WindowPredictions: 200, AlarmAfter: 1, Bias: new Core.Monitoring.Bias.BiasSettings("contract")));
        await Server.Client.Policies.ApplyAsync($$$"""
            name: {{{Policy}}}
            endpoint: {{{Endpoint}}}
            when:
              - dataset_drift: true
            then:
              - {run_pipeline: {{{noop}}}}
            cooldown_seconds: 3600
            """);
        var random = new Random(5);
        string[] contracts = ["monthly", "yearly", "two_year"];
        var usual = Enumerable.Range(0, 200).Select(_ => Row(random.Next(72), contracts[random.Next(3)], random.Next(6))).ToList();
        var answered = await Server.Client.Endpoints.PredictAsync(Endpoint, usual);
        await Server.Client.Endpoints.FeedbackAsync(Endpoint, answered.PredictionIds.Select((id, i) => (id, (object)(random.Next(4) > 0 ? "true" : "false"))));
        await WaitForAsync(async () => (await Server.Client.Endpoints.ListDriftWindowsAsync(Endpoint)).Items.Count >= 1);
        var shifted = Enumerable.Range(0, 200).Select(_ => Row(60 + random.Next(12), "two_year", 0)).ToList();
        await Server.Client.Endpoints.PredictAsync(Endpoint, shifted);
        await WaitForAsync(async () => (await Server.Client.Policies.FiringsAsync(Policy)).Items.Count >= 1);
    }

    private static Dictionary<string, object?> Row(int tenure, string contract, int calls) =>
        new() { ["tenure"] = tenure, ["contract"] = contract, ["support_calls"] = calls };

    /// <summary>Polls until the server's workers (the monitor ticks every 5 s) have done their part.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await done())
        {
            await Task.Delay(200, timeout.Token);
        }
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public async Task DisposeAsync()
    {
        _work.Dispose();
        await Server.DisposeAsync();
    }
}
