using System.Text;
using System.Text.Json;
using Gyre.Core.Data;

namespace Gyre.Server.Tests.Api;

/// <summary>
/// No input can produce a 500 on the API either: valid requests to the routes that take a JSON
/// body — tracking, the registry, datasets, pipelines and their runs, drift — changed at random
/// hundreds of times (<see cref="MutantRequests"/>), are each answered or refused with a 4xx
/// problem that says what was wrong.
/// </summary>
public sealed class MutatedApiRequestTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const int MutantsPerRequest = 100;

    [Fact]
    public async Task RequestsChangedAtRandom_AreAnsweredOrRefusedWithAProblem_NeverFiveHundreds()
    {
        var server = fixture.Server;
        // Two datasets: a mutant suite may fail its version, which then can no longer be split.
        var dataset = await AddOrdersAsync();
        var validated = await AddOrdersAsync();
        var created = await server.Http.PostAsync("/api/v1/runs", new StringContent("""{"experiment_id": "0", "name": "target"}""", Encoding.UTF8, "application/json"));
        var run = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("run_id").GetString();
        var pipeline = JsonSerializer.Serialize($"name: mutant\nsteps:\n  - {{id: data, uses: ingest, with: {{dataset: {dataset}@latest}}}}\n  - {{id: split, uses: split, needs: [data]}}\n");
        var requests = new (string Path, string Body)[]
        {
            ("/api/v1/experiments", """{"name": "mutant-experiment", "tags": [{"key": "team", "value": "growth"}]}"""),
            ("/api/v1/runs", """{"experiment_id": "0", "name": "r", "start_time": 1700000000000, "tags": [{"key": "a", "value": "b"}]}"""),
            ($"/api/v1/runs/{run}/log-batch", """{"metrics": [{"key": "loss", "value": 0.5, "step": 1, "timestamp": 1700000000000}], "params": [{"key": "lr", "value": "0.1"}], "tags": [{"key": "t", "value": "u"}]}"""),
            ("/api/v1/runs/search", """{"experiment_ids": ["0"], "filter": "metrics.loss < 1 and params.lr = '0.1'", "order_by": ["metrics.loss DESC"], "max_results": 10}"""),
            ("/api/v1/models", """{"name": "mutant-model", "description": "d", "tags": [{"key": "a", "value": "b"}]}"""),
            ($"/api/v1/datasets/{validated}/versions/1/validate", """{"name": "s", "constraints": [{"type": "has_min", "column": "amount", "min": -10}, {"type": "is_contained_in", "column": "country", "values": ["DE", "FR", "XX"]}, {"type": "has_completeness", "column": "amount", "mostly": 0.5, "severity": "warning"}]}"""),
            ($"/api/v1/datasets/{dataset}/versions/1/splits", """{"method": "random", "test_fraction": 0.5, "seed": 1}"""),
            ("/api/v1/pipelines?dry_run=true", $$"""{"yaml": {{pipeline}}}"""),
            ("/api/v1/pipelines", $$"""{"yaml": {{pipeline}}}"""),
            ("/api/v1/pipelines/mutant/runs", """{"params": {}, "no_cache": false, "trigger": "manual", "detail": "mutants"}"""),
            ("/api/v1/drift", $$"""{"reference": {"dataset": "{{dataset}}", "version": 1}, "current": {"dataset": "{{dataset}}", "version": 1}, "columns": ["amount", "country"], "tests": {"amount": "wasserstein"}, "thresholds": {"amount": 0.2}, "share": 0.5}"""),
        };
        await MutantRequests.CheckAsync(server, requests, MutantsPerRequest, seed: 20261129);
    }

    private async Task<string> AddOrdersAsync()
    {
        var name = Unique.Name("orders");
        var csv = "order_id,amount,country\no1,10.5,DE\no2,-3,FR\no3,,DE\no4,7.25,XX\no5,8,DE\no6,1,FR\n";
        await fixture.Server.Client.Datasets.AddAsync(name, new MemoryStream(Encoding.UTF8.GetBytes(csv)), DatasetFormat.Csv);
        return name;
    }
}
