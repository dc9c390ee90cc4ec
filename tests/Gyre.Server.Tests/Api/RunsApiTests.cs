using System.Net;
using System.Net.Http.Json;
using System.Text;
using Gyre.Core.Api;
using Gyre.Core.Tracking;

namespace Gyre.Server.Tests.Api;

public abstract class RunsApiTests<TBackend>(TBackend fixture) : IClassFixture<TBackend> where TBackend : ServerFixture
{
    private HttpClient Http => fixture.Server.Http;

    private async Task<string> NewRunAsync(string? experimentId = null)
    {
        var response = await Http.PostAsJsonAsync("/api/v1/runs", new { experiment_id = experimentId ?? "0", name = Unique.Name("run") });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await TestServer.JsonAsync(response)).GetProperty("run_id").GetString()!;
    }

    private Task<HttpResponseMessage> LogAsync(string run, string json) =>
        Http.PostAsync($"/api/v1/runs/{run}/log-batch", new StringContent(json, Encoding.UTF8, "application/json"));

    [SkippableFact]
    public async Task LogBatch_ThenGet_ShowsParamsLatestMetricsAndTags()
    {
        var run = await NewRunAsync();
        var response = await LogAsync(run, """
            {"params": [{"key": "lr", "value": "0.1"}],
             "metrics": [{"key": "rmse", "value": 0.5, "step": 1, "timestamp": 1000}, {"key": "rmse", "value": 0.25, "step": 2, "timestamp": 2000}],
             "tags": [{"key": "team", "value": "growth"}]}
            """);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var body = await TestServer.JsonAsync(await Http.GetAsync($"/api/v1/runs/{run}"));
        Assert.Equal("RUNNING", body.GetProperty("status").GetString());
        Assert.Equal("0.1", body.GetProperty("params")[0].GetProperty("value").GetString());
        var metric = body.GetProperty("metrics")[0];
        Assert.Equal((0.25, 2L, 2000L), (metric.GetProperty("value").GetDouble(), metric.GetProperty("step").GetInt64(), metric.GetProperty("timestamp").GetInt64()));
        Assert.Equal("growth", body.GetProperty("tags")[0].GetProperty("value").GetString());
    }

    [SkippableFact]
    public async Task ChangingAParam_Is409_NamingTheKey_AndWritesNothing()
    {
        var run = await NewRunAsync();
        await LogAsync(run, """{"params": [{"key": "depth", "value": "6"}]}""");
        Assert.Equal(HttpStatusCode.NoContent, (await LogAsync(run, """{"params": [{"key": "depth", "value": "6"}]}""")).StatusCode);
        var response = await LogAsync(run, """{"params": [{"key": "depth", "value": "8"}], "metrics": [{"key": "m", "value": 1}]}""");
        await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "conflict", "param 'depth'");
        var body = await TestServer.JsonAsync(await Http.GetAsync($"/api/v1/runs/{run}"));
        Assert.Equal(0, body.GetProperty("metrics").GetArrayLength());
    }

    [SkippableFact]
    public async Task NonFiniteValues_RoundTripAsNamedStrings()
    {
        var run = await NewRunAsync();
        await LogAsync(run, """{"metrics": [{"key": "x", "value": "NaN", "step": 0}, {"key": "x", "value": "Infinity", "step": 1}, {"key": "x", "value": "-Infinity", "step": 2}, {"key": "x", "value": 1e308, "step": 3}]}""");
        var response = await Http.GetAsync($"/api/v1/runs/{run}/metrics/x");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"value\":\"NaN\"", text, StringComparison.Ordinal);
        Assert.Contains("\"value\":\"Infinity\"", text, StringComparison.Ordinal);
        Assert.Contains("\"value\":\"-Infinity\"", text, StringComparison.Ordinal);
        var history = await fixture.Server.Client.Runs.GetMetricHistoryAsync(new RunId(run), "x");
        Assert.True(double.IsNaN(history[0].Value));
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity, 1e308], history.Skip(1).Select(m => m.Value));
    }

    [SkippableFact]
    public async Task MetricHistory_IsInStepOrder_AndKeysMayHoldSlashes()
    {
        var run = await NewRunAsync();
        await LogAsync(run, """{"metrics": [{"key": "train/loss", "value": 3, "step": 3}, {"key": "train/loss", "value": 1, "step": 1}, {"key": "train/loss", "value": 2, "step": 2}]}""");
        var body = await TestServer.JsonAsync(await Http.GetAsync($"/api/v1/runs/{run}/metrics/train/loss"));
        Assert.Equal("train/loss", body.GetProperty("key").GetString());
        Assert.Equal([1.0, 2.0, 3.0], body.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("value").GetDouble()));
    }

    [SkippableFact]
    public async Task OverTheLimits_Is400_WithEachLimitNamed()
    {
        var run = await NewRunAsync();
        var metrics = string.Join(',', Enumerable.Range(0, 1001).Select(i => $"{{\"key\":\"m{i}\",\"value\":1}}"));
        var parameters = string.Join(',', Enumerable.Range(0, 101).Select(i => $"{{\"key\":\"p{i}\",\"value\":\"v\"}}"));
        var detail = await ProblemAssert.IsAsync(await LogAsync(run, $"{{\"metrics\":[{metrics}],\"params\":[{parameters}]}}"), HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Contains("metrics: 1001 given, at most 1000", detail, StringComparison.Ordinal);
        Assert.Contains("params: 101 given, at most 100", detail, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("""{"metrics": [{"key": "m"}]}""", "metrics[0].value: expected a number")]
    [InlineData("""{"metrics": [{"key": "m", "value": "fast"}]}""", "$.metrics[0].value")]
    [InlineData("""{"metrics": [{"key": "m", "value": 1, "step": 1.5}]}""", "$.metrics[0].step")]
    [InlineData("""{"params": [{"key": "bad key?", "value": "1"}]}""", "params[0].key")]
    public async Task BadItems_Are400_NamingTheField(string json, string expected)
    {
        var run = await NewRunAsync();
        await ProblemAssert.IsAsync(await LogAsync(run, json), HttpStatusCode.BadRequest, "invalid_argument", expected);
    }

    [SkippableFact]
    public async Task BodyOverOneMebibyte_Is413()
    {
        var run = await NewRunAsync();
        var huge = $"{{\"tags\":[{{\"key\":\"t\",\"value\":\"{new string('x', 1_100_000)}\"}}]}}";
        // Expect: 100-continue lets the server refuse before the body is sent; otherwise it may
        // close the connection while the client is still writing, and the client sees a reset, not the 413.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/runs/{run}/log-batch")
        {
            Content = new StringContent(huge, Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        await ProblemAssert.IsAsync(await Http.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [SkippableFact]
    public async Task Patch_EndsTheRun_AndRejectsUnknownStatus()
    {
        var run = await NewRunAsync();
        var ended = await TestServer.JsonAsync(await Http.PatchAsJsonAsync($"/api/v1/runs/{run}", new { status = "FINISHED" }));
        Assert.Equal("FINISHED", ended.GetProperty("status").GetString());
        Assert.True(ended.GetProperty("end_time").GetInt64() > 0);
        await ProblemAssert.IsAsync(await Http.PatchAsJsonAsync($"/api/v1/runs/{run}", new { status = "DONE" }), HttpStatusCode.BadRequest, "invalid_argument", "$.status");
    }

    [SkippableFact]
    public async Task NestedRun_PointsAtItsParent()
    {
        var parent = await NewRunAsync();
        var child = await TestServer.JsonAsync(await Http.PostAsJsonAsync("/api/v1/runs", new { experiment_id = "0", parent_run_id = parent }));
        Assert.Equal(parent, child.GetProperty("parent_run_id").GetString());
        await ProblemAssert.IsAsync(await Http.PostAsJsonAsync("/api/v1/runs", new { parent_run_id = "0123456789abcdef0123456789abcdef" }), HttpStatusCode.NotFound, "not_found", "parent_run_id");
    }

    [SkippableFact]
    public async Task DatasetInputs_AreShownOnTheRun()
    {
        var run = await NewRunAsync();
        var response = await Http.PostAsJsonAsync($"/api/v1/runs/{run}/inputs", new { datasets = new[] { new { name = "churn", digest = "sha256:abc", source = "s3://x", context = "train" } } });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var input = (await TestServer.JsonAsync(await Http.GetAsync($"/api/v1/runs/{run}"))).GetProperty("inputs")[0];
        Assert.Equal(("churn", "sha256:abc", "train"), (input.GetProperty("name").GetString(), input.GetProperty("digest").GetString(), input.GetProperty("context").GetString()));
    }

    [SkippableFact]
    public async Task Search_ThroughHttp_FiltersOrdersAndPages()
    {
        var experiment = (await TestServer.JsonAsync(await Http.PostAsJsonAsync("/api/v1/experiments", new { name = Unique.Name("srch") }))).GetProperty("experiment_id").GetString()!;
        foreach (var (lr, auc) in new[] { ("0.1", 0.7), ("0.2", 0.9), ("0.3", 0.8), ("0.4", 0.6) })
        {
            var run = await NewRunAsync(experiment);
            await LogAsync(run, $$"""{"params": [{"key": "lr", "value": "{{lr}}"}], "metrics": [{"key": "auc", "value": {{auc}}}]}""");
        }
        var client = fixture.Server.Client;
        var first = await client.Runs.SearchAsync(new SearchRunsRequest([new ExperimentId(experiment)], "metrics.auc > 0.65 AND (params.lr = '0.1' OR params.lr = '0.2' OR params.lr = '0.3')", null, ["metrics.auc DESC"], 2));
        Assert.Equal(["0.2", "0.3"], first.Items.Select(r => r.Params[0].Value));
        var second = await client.Runs.SearchAsync(new SearchRunsRequest([new ExperimentId(experiment)], "metrics.auc > 0.65 AND (params.lr = '0.1' OR params.lr = '0.2' OR params.lr = '0.3')", null, ["metrics.auc DESC"], 2, first.NextPageToken));
        Assert.Equal(["0.1"], second.Items.Select(r => r.Params[0].Value));
        Assert.Null(second.NextPageToken);
    }

    [SkippableFact]
    public async Task Search_WithBadFilter_Is400_AtThePosition()
    {
        var response = await Http.PostAsJsonAsync("/api/v1/runs/search", new { experiment_ids = new[] { "0" }, filter = "metrics.auc > 0.5 AND params.lr >> 1" });
        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid_argument", "filter: at position 33:");
    }

    [SkippableFact]
    public async Task DeletedRun_RefusesWrites_UntilRestored()
    {
        var run = await NewRunAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/runs/{run}")).StatusCode);
        await ProblemAssert.IsAsync(await LogAsync(run, """{"tags": [{"key": "a", "value": "b"}]}"""), HttpStatusCode.Conflict, "conflict", "deleted");
        await Http.PostAsync($"/api/v1/runs/{run}/restore", NoBody.Json());
        Assert.Equal(HttpStatusCode.NoContent, (await LogAsync(run, """{"tags": [{"key": "a", "value": "b"}]}""")).StatusCode);
    }

    [SkippableFact]
    public async Task MetricHistory_Pages_WithMaxResultsAndToken()
    {
        var run = await NewRunAsync();
        var points = string.Join(',', Enumerable.Range(0, 25).Select(i => $"{{\"key\":\"p\",\"value\":{i},\"step\":{i}}}"));
        await LogAsync(run, $"{{\"metrics\":[{points}]}}");
        var first = await fixture.Server.Client.Runs.GetMetricHistoryPageAsync(new RunId(run), "p", 10);
        var second = await fixture.Server.Client.Runs.GetMetricHistoryPageAsync(new RunId(run), "p", 10, first.NextPageToken);
        var third = await fixture.Server.Client.Runs.GetMetricHistoryPageAsync(new RunId(run), "p", 10, second.NextPageToken);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i), first.Metrics.Concat(second.Metrics).Concat(third.Metrics).Select(m => m.Step));
        Assert.Null(third.NextPageToken);
        Assert.Equal(25, (await fixture.Server.Client.Runs.GetMetricHistoryAsync(new RunId(run), "p")).Count);
        await ProblemAssert.IsAsync(await Http.GetAsync($"/api/v1/runs/{run}/metrics/p?max_results=0"), HttpStatusCode.BadRequest, "invalid_argument", "max_results:");
    }
}

public sealed class RunsApiTestsOnSqlite(ServerFixture fixture) : RunsApiTests<ServerFixture>(fixture);

public sealed class RunsApiTestsOnPostgres(PostgresServerFixture fixture) : RunsApiTests<PostgresServerFixture>(fixture);
