using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Server.Tests.Api;

namespace Gyre.Server.Tests.Serving;

/// <summary>
/// Adaptive batching through real HTTP with concurrent callers: answers equal the unbatched path's
/// bit for bit (and ONNX Runtime's reference scores), each request gets exactly its own rows with its
/// own ids, a row the model refuses fails only its request, and the settings are the endpoint's.
/// </summary>
public abstract class BatchingTests<TBackend>(TBackend fixture) : IClassFixture<TBackend> where TBackend : ServerFixture
{
    private TestServer Server => fixture.Server;

    private async Task<string> EndpointAsync(string model, object? batching)
    {
        var name = Unique.Name("batch");
        var response = await Server.Http.PostAsJsonAsync("/api/v1/endpoints", new { name, model, log_mode = "fast", batching });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return name;
    }

    private static object Body(IEnumerable<double[]> rows) => new { instances = rows.Select(r => new { features = r[..30] }) };

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string endpoint, object body)
    {
        var response = await Server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", body);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    private static List<double> Scores(JsonElement answer) => [.. answer.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("score").GetDouble())];

    /// <summary>The value of one series on /metrics; 0 when it is not there.</summary>
    private async Task<double> MetricAsync(string series)
    {
        var line = (await Server.Http.GetStringAsync("/metrics")).Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    [SkippableFact]
    public async Task ConcurrentCallers_ShareModelCalls_AndEachGetsItsOwnRows_BitForBitAsUnbatched()
    {
        var imported = await ServingModels.ImportBreastCancerAsync(Server);
        var (model, variant) = ($"{imported}/1", $"{imported}-v1");
        var batched = await EndpointAsync(model, new { max_rows = 64, max_delay_us = 20_000 });
        var single = await EndpointAsync(model, new { max_rows = 1 });
        var rows = ServingModels.BreastCancerRows();
        // 40 callers at once, each with 1 to 3 rows of its own. Requests share a call when they reach
        // the model while it is busy or on their way to it: bursts go on (the first opens the
        // connections) until some have, and every burst's answers are checked.
        var requests = Enumerable.Range(0, 40).Select(i => rows.Skip(i * 3).Take((i % 3) + 1).ToList()).ToList();
        var series = $"{{endpoint=\"{batched}\",variant=\"{variant}\"}}";
        (HttpStatusCode Status, JsonElement Body)[] answers;
        var bursts = 0;
        do
        {
            answers = await Task.WhenAll(requests.Select(r => PostAsync(batched, Body(r))));
            bursts++;
            for (var i = 0; i < requests.Count; i++)
            {
                var (status, answer) = answers[i];
                Assert.Equal(HttpStatusCode.OK, status);
                var scores = Scores(answer);
                Assert.Equal(requests[i].Count, scores.Count);
                Assert.All(Enumerable.Range(0, scores.Count), r => Assert.Equal(requests[i][r][31], scores[r], 1e-5));
                if (bursts == 1)
                {
                    var (_, alone) = await PostAsync(single, Body(requests[i]));
                    Assert.Equal(Scores(alone), scores); // exactly: the same floats, whichever rows shared the call
                }
            }
            Assert.Equal(requests.Sum(r => r.Count), answers.SelectMany(a => a.Body.GetProperty("prediction_ids").EnumerateArray().Select(p => p.GetString())).Distinct().Count());
            Assert.Equal(bursts * requests.Sum(r => r.Count), await MetricAsync($"gyre_batch_rows_sum{series}"));
            Assert.Equal(bursts * requests.Count, await MetricAsync($"gyre_batch_wait_seconds_count{series}"));
        }
        while (await MetricAsync($"gyre_batch_rows_count{series}") == bursts * requests.Count && bursts < 20);
        Assert.True(await MetricAsync($"gyre_batch_rows_count{series}") < bursts * requests.Count, $"{bursts} bursts of {requests.Count} requests, and none shared a call");
        Assert.DoesNotContain($"gyre_batch_rows_count{{endpoint=\"{single}\"", await Server.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);

        // The log holds each row with the request that sent it.
        var logged = (await TestServer.JsonAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{batched}/predictions?max_results=1000"))).GetProperty("items")
            .EnumerateArray().Select(i => i.GetProperty("prediction")).ToDictionary(p => p.GetProperty("prediction_id").GetString()!);
        for (var i = 0; i < requests.Count; i++)
        {
            var answerIds = answers[i].Body.GetProperty("prediction_ids").EnumerateArray().Select(p => p.GetString()!).ToList();
            for (var r = 0; r < answerIds.Count; r++)
            {
                var sent = JsonDocument.Parse(logged[answerIds[r]].GetProperty("inputs").GetString()!).RootElement.GetProperty("features").EnumerateArray().Select(v => v.GetDouble());
                Assert.Equal(requests[i][r][..30], sent);
            }
        }
    }

    [SkippableFact]
    public async Task ARowTheModelRefuses_FailsOnlyItsRequest_AndAnInvalidBodyNeverJoinsACall()
    {
        var model = $"{await ServingModels.ImportBreastCancerAsync(Server)}/1";
        var endpoint = await EndpointAsync(model, new { max_rows = 64, max_delay_us = 20_000 });
        var rows = ServingModels.BreastCancerRows();
        var valid = Enumerable.Range(0, 12).Select(i => PostAsync(endpoint, Body([rows[i]]))).ToList();
        // The model itself refuses a missing value (ONNX cannot impute): its request fails, and the
        // others do not, whether or not it shared their call (a failed shared call is retried request by request).
        var missing = PostAsync(endpoint, new { instances = new[] { new { features = rows[20][..30].Select((v, j) => j == 4 ? (double?)null : v) } } });
        var invalid = PostAsync(endpoint, new { instances = new[] { new { features = new[] { 1.0, 2.0 } } } });
        var more = Enumerable.Range(12, 12).Select(i => PostAsync(endpoint, Body([rows[i]]))).ToList();

        var answers = await Task.WhenAll(valid.Concat(more));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal([.. rows.Take(24).Select(r => r[31])], answers.Select(a => Scores(a.Body)[0]), new ToleranceComparer(1e-5));
        var (missingStatus, missingBody) = await missing;
        Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
        Assert.Equal("mean_smoothness: row 0 has no value; an ONNX model needs every feature", missingBody.GetProperty("detail").GetString());
        var (invalidStatus, invalidBody) = await invalid;
        Assert.Equal(HttpStatusCode.BadRequest, invalidStatus);
        Assert.Equal("instances[0].features: expected 30 numbers, got 2", invalidBody.GetProperty("detail").GetString());

        // Silence, then a lone request: it is answered, by a call of its own.
        await Task.Delay(100);
        var (status, lone) = await PostAsync(endpoint, Body([rows[30]]));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(rows[30][31], Scores(lone)[0], 1e-5);
    }

    [SkippableFact]
    public async Task Batching_IsTheEndpointsSetting_ChangedInPlace_AndRefusedOutOfRange()
    {
        var model = $"{await ServingModels.ImportBreastCancerAsync(Server)}/1";
        await ProblemAssert.IsAsync(await Server.Http.PostAsJsonAsync("/api/v1/endpoints", new { name = Unique.Name("batch"), model, batching = new { max_rows = 0 } }),
            HttpStatusCode.BadRequest, "invalid_argument", "batching.max_rows: expected 1 (off) to 10000, got 0");
        await ProblemAssert.IsAsync(await Server.Http.PostAsJsonAsync("/api/v1/endpoints", new { name = Unique.Name("batch"), model, batching = new { max_rows = 8, max_delay_us = -1 } }),
            HttpStatusCode.BadRequest, "invalid_argument", "batching.max_delay_us: expected 0 to 100000 microseconds, got -1");

        var endpoint = await EndpointAsync(model, null);
        var shown = await TestServer.JsonAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}"));
        Assert.False(shown.GetProperty("endpoint").TryGetProperty("batching", out _)); // each model's default
        var set = await Server.Http.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/batching", new { max_rows = 8, max_delay_us = 100 });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        shown = await TestServer.JsonAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}"));
        Assert.Equal((8, 100), (shown.GetProperty("endpoint").GetProperty("batching").GetProperty("max_rows").GetInt32(),
            shown.GetProperty("endpoint").GetProperty("batching").GetProperty("max_delay_us").GetInt32()));
        var rows = ServingModels.BreastCancerRows();
        var (status, answer) = await PostAsync(endpoint, Body(rows.Take(3)));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(rows.Take(3).Select(r => r[31]), Scores(answer), new ToleranceComparer(1e-5));
        await ProblemAssert.IsAsync(await Server.Http.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/batching", new { max_rows = 10_001 }),
            HttpStatusCode.BadRequest, "invalid_argument", "batching.max_rows");
        await ProblemAssert.IsAsync(await Server.Http.PutAsJsonAsync("/api/v1/endpoints/nope/batching", new { max_rows = 2 }), HttpStatusCode.NotFound, "not_found");
        using var reset = new StringContent("null", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.PutAsync($"/api/v1/endpoints/{endpoint}/batching", reset)).StatusCode);
        shown = await TestServer.JsonAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}"));
        Assert.False(shown.GetProperty("endpoint").TryGetProperty("batching", out _));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}

public sealed class BatchingTestsOnSqlite(ServerFixture fixture) : BatchingTests<ServerFixture>(fixture);

public sealed class BatchingTestsOnPostgres(PostgresServerFixture fixture) : BatchingTests<PostgresServerFixture>(fixture);
