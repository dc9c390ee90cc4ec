using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Server.Tests.Serving;

namespace Gyre.Server.Tests.Api;

/// <summary>
/// No query string can produce a 500: valid GET requests with parameters — paging tokens, filters,
/// times, windows — changed at random (<see cref="MutantRequests"/>), are each answered or refused
/// with a 4xx problem that says what was wrong.
/// </summary>
public sealed class MutatedQueryTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const int MutantsPerRequest = 80;

    private TestServer Server => fixture.Server;

    [Fact]
    public async Task QueriesChangedAtRandom_AreAnsweredOrRefusedWithAProblem_NeverFiveHundreds()
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{model}/1");
        for (var i = 0; i < 3; i++)
        {
            var answered = await Server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances = new[] { new { tenure = i, plan = "basic" } } });
            var id = (await TestServer.JsonAsync(answered)).GetProperty("prediction_ids")[0].GetString();
            await Server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/feedback", new[] { new { prediction_id = id, actual = "left" } });
        }
        await Server.Http.PostAsJsonAsync("/api/v1/experiments", new { name = Unique.Name("queried") });
        await Server.Http.PostAsJsonAsync("/api/v1/experiments", new { name = Unique.Name("queried") });
        var run = (await TestServer.JsonAsync(await Server.Http.PostAsJsonAsync("/api/v1/runs", new { experiment_id = "0" }))).GetProperty("run_id").GetString();
        await Server.Http.PostAsJsonAsync($"/api/v1/runs/{run}/log-batch", new { metrics = Enumerable.Range(0, 3).Select(s => new { key = "loss", value = 1.0 / (s + 1), step = s }) });
        var dataset = (await Server.Client.Datasets.ListAsync()).Items[0].Name;

        var requests = new[]
        {
            await WithNextPageAsync($"/api/v1/endpoints/{endpoint}/predictions?since=0&until=4102444800000&max_results=1"),
            $"/api/v1/endpoints/{endpoint}/predictions.parquet?since=0&until=4102444800000",
            $"/api/v1/endpoints/{endpoint}/online-metrics?since=0&window_seconds=60",
            await WithNextPageAsync($"/api/v1/experiments?filter={Uri.EscapeDataString("name LIKE 'queried%'")}&view_type=all&order_by={Uri.EscapeDataString("name DESC")}&max_results=1"),
            await WithNextPageAsync($"/api/v1/runs/{run}/metrics/loss?max_results=1"),
            await WithNextPageAsync($"/api/v1/models?filter={Uri.EscapeDataString($"name = '{model}'")}&order_by={Uri.EscapeDataString("name ASC")}&max_results=1"),
            $"/api/v1/models/{model}/versions?max_results=1",
            await WithNextPageAsync("/api/v1/datasets?max_results=1"),
            $"/api/v1/datasets/{dataset}/versions?max_results=1",
            "/api/v1/pipeline-runs?max_results=5",
        };
        await MutantRequests.CheckQueriesAsync(Server, requests, MutantsPerRequest, seed: 20261129);
    }

    /// <summary>The query with the page token its answer gives for the next page, when there is one.</summary>
    private async Task<string> WithNextPageAsync(string pathAndQuery)
    {
        var body = await TestServer.JsonAsync(await Server.Http.GetAsync(pathAndQuery));
        return body.TryGetProperty("next_page_token", out var token) && token.ValueKind == JsonValueKind.String
            ? $"{pathAndQuery}&page_token={Uri.EscapeDataString(token.GetString()!)}"
            : pathAndQuery;
    }
}
