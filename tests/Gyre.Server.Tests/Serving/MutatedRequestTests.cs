using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Server.Tests.Api;

namespace Gyre.Server.Tests.Serving;

/// <summary>
/// No input can produce a 500: valid requests to every serving route that takes a body (rollouts
/// too, the registry's calls on the served model, and the gate and policies that decide them),
/// changed at random hundreds of times (<see cref="MutantRequests"/>), are each answered or
/// refused with a 4xx problem that says what was wrong.
/// </summary>
public sealed class MutatedRequestTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const int MutantsPerRequest = 150;

    private TestServer Server => fixture.Server;

    [Fact]
    public async Task RequestsChangedAtRandom_AreAnsweredOrRefusedWithAProblem_NeverFiveHundreds()
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        var churn = await ServingModels.CreateEndpointAsync(Server, $"{model}/1");
        await ServingModels.TrainChurnAsync(Server, register: model, seed: 8);
        var rolling = await ServingModels.CreateEndpointAsync(Server, $"{model}/1");
        var cancer = await ServingModels.CreateEndpointAsync(Server, $"{await ServingModels.ImportBreastCancerAsync(Server)}/1", logMode: "fast");
        var features = string.Join(", ", ServingModels.BreastCancerRows()[0][..30].Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        var answered = await Server.Http.PostAsJsonAsync($"/endpoints/{churn}/predict", new { instances = new[] { new { tenure = 3, plan = "basic" } } });
        var id = JsonDocument.Parse(await answered.Content.ReadAsStringAsync()).RootElement.GetProperty("prediction_ids")[0].GetString();
        var trained = await Server.Client.Models.GetLineageAsync(model, 1);
        var data = await Server.Client.Datasets.GetVersionAsync(model[..^"-model".Length], 1);
        var requests = new (string Path, string Body)[]
        {
            ($"/endpoints/{churn}/predict", """{"instances": [{"tenure": 12, "plan": "basic"}, {"tenure": 40, "plan": "pro"}]}"""),
            ($"/endpoints/{churn}/predict", """{"dataframe_split": {"columns": ["tenure", "plan"], "data": [[12, "basic"], [40, "pro"]]}}"""),
            ($"/v2/models/{churn}/infer", """{"id": "r1", "inputs": [{"name": "tenure", "datatype": "FP32", "shape": [2], "data": [12, 40]}, {"name": "plan", "datatype": "BYTES", "shape": [2], "data": ["basic", "pro"]}]}"""),
            ($"/endpoints/{cancer}/predict", $$"""{"instances": [{"features": [{{features}}]}]}"""),
            ($"/v2/models/{cancer}/infer", $$"""{"inputs": [{"name": "features", "datatype": "FP64", "shape": [1, 30], "data": [{{features}}]}]}"""),
            ($"/endpoints/{churn}/feedback", $$"""[{"prediction_id": "{{id}}", "actual": "left"}, {"prediction_id": "0190f1a2b3c47d8e9fa0b1c2d3e4f567", "actual": "stayed"}]"""),
            ("/api/v1/endpoints", $$"""{"name": "mutant", "model": "{{model}}/1", "log_mode": "fast"}"""),
            ($"PUT /api/v1/models/{model}/aliases/champion", """{"version": 1}"""),
            ($"/api/v1/models/{model}/versions", $$"""{"run_id": "{{trained.Run!.RunId}}", "artifact_path": "model", "description": "again", "tags": [{"key": "a", "value": "b"}]}"""),
            ($"/api/v1/runs/{trained.Run!.RunId}/inputs", $$"""{"datasets": [{"name": "{{data.Name}}", "digest": "{{data.Digest}}", "source": "mutants", "context": "training"}]}"""),
            ($"/api/v1/models/{model}/versions/2/gate", """{"thresholds": [{"metric": "auc", "threshold": 0.5, "greater_is_better": true}], "baseline": "1", "slice_column": "plan", "max_slice_drop": 0.5}"""),
            ("/api/v1/policies", JsonSerializer.Serialize(new { yaml = $"name: mutant\nendpoint: {churn}\nmatch: any\nwhen:\n  - {{error_rate: 0.5, seconds: 300}}\n  - {{no_traffic: 86400}}\nthen:\n  - rollback\ncooldown_seconds: 3600\n" })),
            // One rollout runs per endpoint: after the first, mutants that pass the checks get a 409.
            ($"/api/v1/endpoints/{rolling}/rollouts", $$"""{"model": "{{model}}/2", "strategy": "canary", "steps": [10, 50, 100], "bake_seconds": 600, "max_error_rate_increase": 0.01, "max_latency_ratio": 1.5, "min_requests": 20}"""),
        };
        await MutantRequests.CheckAsync(Server, requests, MutantsPerRequest, seed: 20261129);
    }
}
