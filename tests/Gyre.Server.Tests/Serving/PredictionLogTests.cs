using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DuckDB.NET.Data;
using Gyre.Server.Tests.Api;

namespace Gyre.Server.Tests.Serving;

public abstract class PredictionLogTests<TBackend>(TBackend fixture) : IClassFixture<TBackend> where TBackend : ServerFixture
{
    private TestServer Server => fixture.Server;

    private async Task<List<string>> PredictAsync(string endpoint, params object[] instances)
    {
        var response = await Server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return [.. body.GetProperty("prediction_ids").EnumerateArray().Select(i => i.GetString()!)];
    }

    [SkippableTheory]
    [InlineData("durable")]
    [InlineData("fast")]
    public async Task EveryRow_IsLoggedWithItsInputsOutputsAndRouting_AndFeedbackJoinsIt(string mode)
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{model}/1", mode);
        var ids = await PredictAsync(endpoint, new { tenure = 3, plan = "basic", customer = "c1" }, new { tenure = 50, plan = "pro" });
        ids.AddRange(await PredictAsync(endpoint, new { tenure = 20, plan = "plus" }));

        // Fast mode writes in the background: wait (bounded) until the log has them.
        JsonElement page = default;
        var clock = Stopwatch.StartNew();
        do
        {
            page = await TestServer.JsonAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/predictions"));
        }
        while (page.GetProperty("items").GetArrayLength() < 3 && clock.Elapsed < TimeSpan.FromSeconds(10));
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(ids.Order(), items.Select(i => i.GetProperty("prediction").GetProperty("prediction_id").GetString()).Order());
        var first = items.Single(i => i.GetProperty("prediction").GetProperty("prediction_id").GetString() == ids[0]).GetProperty("prediction");
        Assert.Equal((model, 1L, $"{model}-v1", "single"), (first.GetProperty("model_name").GetString(), first.GetProperty("model_version").GetInt64(),
            first.GetProperty("variant").GetString(), first.GetProperty("routing").GetString()));
        // The row as sent, extra column included, and the answer as given.
        Assert.Equal("c1", JsonDocument.Parse(first.GetProperty("inputs").GetString()!).RootElement.GetProperty("customer").GetString());
        Assert.Equal("left", JsonDocument.Parse(first.GetProperty("outputs").GetString()!).RootElement.GetProperty("label").GetString());
        Assert.True(first.GetProperty("latency_ms").GetDouble() > 0);

        // Feedback: late, out of order, repeated, and for an id nobody issued.
        var feedback = await Server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/feedback", new object[]
        {
            new { prediction_id = ids[2], actual = "stayed" },
            new { prediction_id = ids[0], actual = "left" },
            new { prediction_id = ids[0], actual = "stayed" },
            new { prediction_id = "no-such-id", actual = "left" },
        });
        var result = await TestServer.JsonAsync(feedback);
        Assert.Equal((2, 1), (result.GetProperty("accepted").GetInt32(), result.GetProperty("duplicates").GetInt32()));
        Assert.Equal(["no-such-id"], result.GetProperty("unknown").EnumerateArray().Select(u => u.GetString()));
        var again = await TestServer.JsonAsync(await Server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/feedback", new[] { new { prediction_id = ids[0], actual = "stayed" } }));
        Assert.Equal((0, 1), (again.GetProperty("accepted").GetInt32(), again.GetProperty("duplicates").GetInt32()));

        var joined = (await TestServer.JsonAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/predictions"))).GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("prediction").GetProperty("prediction_id").GetString()!, i => i.TryGetProperty("actual", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null);
        // The first report is kept; actuals are JSON.
        Assert.Equal(("\"left\"", null, "\"stayed\""), (joined[ids[0]], joined[ids[1]], joined[ids[2]]));

        // Paging returns every row once, in time order.
        var firstPage = await TestServer.JsonAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/predictions?max_results=2"));
        var token = firstPage.GetProperty("next_page_token").GetString();
        var secondPage = await TestServer.JsonAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/predictions?max_results=2&page_token={Uri.EscapeDataString(token!)}"));
        Assert.Equal(3, firstPage.GetProperty("items").GetArrayLength() + secondPage.GetProperty("items").GetArrayLength());
        await ProblemAssert.IsAsync(await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/predictions?page_token=garbage"), HttpStatusCode.BadRequest, "invalid_argument", "page_token:");
    }

    [SkippableFact]
    public async Task TheLog_ExportsAsParquet_ThatDuckDbReads()
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{model}/1");
        var ids = await PredictAsync(endpoint, new { tenure = 3, plan = "basic" }, new { tenure = 50, plan = "pro" }, new { tenure = 9, plan = "plus" });
        await Server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/feedback", new[] { new { prediction_id = ids[1], actual = "stayed" } });

        var response = await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/predictions.parquet");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var path = Path.Combine(Path.GetTempPath(), $"gyre-log-{Guid.NewGuid():N}.parquet");
        try
        {
            await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
            using var duck = new DuckDBConnection("DataSource=:memory:");
            duck.Open();
            using var command = duck.CreateCommand();
            command.CommandText = $"""
                SELECT prediction_id, model_version, inputs->>'$.plan', outputs->>'$.label', actual->>'$', routing
                FROM read_parquet('{path}') ORDER BY time, prediction_id
                """;
            using var reader = command.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
            {
                rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
            }
            Assert.Equal(ids.Order(), rows.Select(r => r.Split('|')[0]).Order());
            Assert.Contains($"{ids[1]}|1|pro|stayed|stayed|single", rows);
            Assert.Contains($"{ids[0]}|1|basic|left|null|single", rows);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableFact]
    public async Task Metrics_CountRequestsErrorsAndLatencyPerVariant_AndPassPromtool()
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, $"{model}/1");
        await PredictAsync(endpoint, new { tenure = 3, plan = "basic" }, new { tenure = 4, plan = "basic" });
        await PredictAsync(endpoint, new { tenure = 5, plan = "basic" });
        await Server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances = new[] { new { plan = "basic" } } });

        var text = await Server.Http.GetStringAsync("/metrics");
        var variant = $"{model}-v1";
        Assert.Contains($"gyre_inference_requests_total{{endpoint=\"{endpoint}\",variant=\"{variant}\",protocol=\"simple\"}} 2", text, StringComparison.Ordinal);
        Assert.Contains($"gyre_inference_rows_total{{endpoint=\"{endpoint}\",variant=\"{variant}\"}} 3", text, StringComparison.Ordinal);
        Assert.Contains($"gyre_inference_errors_total{{endpoint=\"{endpoint}\",code=\"invalid_argument\"}} 1", text, StringComparison.Ordinal);
        Assert.Contains($"gyre_inference_duration_seconds_count{{endpoint=\"{endpoint}\",variant=\"{variant}\"}} 2", text, StringComparison.Ordinal);
        Assert.Contains($"gyre_endpoint_variant_weight{{endpoint=\"{endpoint}\",variant=\"{variant}\",role=\"live\"}} 100", text, StringComparison.Ordinal);
        Assert.Contains("gyre_prediction_log_queue_depth ", text, StringComparison.Ordinal);

        // A real Prometheus tool reads the exposition without complaint.
        {
            var check = Process.Start(new ProcessStartInfo("promtool", ["check", "metrics"])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            await check.StandardInput.WriteAsync(text);
            check.StandardInput.Close();
            var errors = await check.StandardError.ReadToEndAsync() + await check.StandardOutput.ReadToEndAsync();
            await check.WaitForExitAsync();
            Assert.True(check.ExitCode == 0, errors);
        }
    }
    [SkippableFact]
    public async Task Metrics_CountDurableGroupsTheirRecordsAndSyncTime_NotFastRecords()
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        var durable = await ServingModels.CreateEndpointAsync(Server, $"{model}/1", "durable");
        var fast = await ServingModels.CreateEndpointAsync(Server, $"{model}/1", "fast");
        var before = await DurableSyncFiguresAsync();

        // Each call is answered before the next is sent, so each is a group of its own.
        await PredictAsync(durable, new { tenure = 3, plan = "basic" }, new { tenure = 4, plan = "pro" });
        await PredictAsync(durable, new { tenure = 5, plan = "basic" });
        await PredictAsync(fast, new { tenure = 6, plan = "basic" }, new { tenure = 7, plan = "pro" });

        var after = await DurableSyncFiguresAsync();
        Assert.Equal(2, after.Groups - before.Groups);
        Assert.Equal(3, after.Records - before.Records);
        Assert.Equal(2, after.TimedGroups - before.TimedGroups);
        Assert.True(after.Seconds > before.Seconds, $"sync time {before.Seconds} -> {after.Seconds}");
    }

    private async Task<(double Groups, double Records, double TimedGroups, double Seconds)> DurableSyncFiguresAsync()
    {
        var text = await Server.Http.GetStringAsync("/metrics");
        return (PrometheusText.Sum(text, "gyre_prediction_log_sync_records_count "), PrometheusText.Sum(text, "gyre_prediction_log_sync_records_sum "),
            PrometheusText.Sum(text, "gyre_prediction_log_sync_duration_seconds_count "), PrometheusText.Sum(text, "gyre_prediction_log_sync_duration_seconds_sum "));
    }
}

public sealed class PredictionLogTestsOnSqlite(ServerFixture fixture) : PredictionLogTests<ServerFixture>(fixture);

public sealed class PredictionLogTestsOnPostgres(PostgresServerFixture fixture) : PredictionLogTests<PostgresServerFixture>(fixture);
