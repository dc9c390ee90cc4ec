using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Server.Tests.Serving;
using Gyre.Storage;
using Gyre.Tests.Shared;
using Xunit.Abstractions;

namespace Gyre.Server.Tests.Hosting;

/// <summary>
/// The metadata database goes away under load and comes back: the API answers 503 with Retry-After,
/// /readyz turns 503, the gateway keeps serving and logging to its local journal, and everything
/// recovers by itself, with nothing that was acknowledged lost.
/// </summary>
public sealed class PostgresOutageTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task PostgresStoppedAndRestartedUnderLoad_NothingAcknowledgedIsLost()
    {
        await using var cluster = await OwnPostgresCluster.StartAsync();
        await using var server = await TestServer.StartAsync(o => o with { Database = new DatabaseOptions(cluster.Url), Migrate = true });
        var model = await ServingModels.TrainChurnAsync(server);
        var endpoint = await ServingModels.CreateEndpointAsync(server, $"{model}/1", "durable");

        var predictions = new ConcurrentBag<string>();
        var experiments = new ConcurrentBag<string>();
        var (refusals, refusalsWithoutRetryAfter, otherFailures) = (0, 0, 0);
        using var stop = new CancellationTokenSource();
        var predicting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances = new[] { new { tenure = 12, plan = "plus" } } });
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                    predictions.Add(body.GetProperty("prediction_ids")[0].GetString()!);
                }
                else
                {
                    Interlocked.Increment(ref otherFailures);
                }
            }
        });
        var writing = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var name = $"outage-{i}";
                var response = await server.Http.PostAsJsonAsync("/api/v1/experiments", new { name });
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    experiments.Add(name);
                }
                else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Interlocked.Increment(ref refusals);
                    var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
                    if (response.Headers.RetryAfter is null || problem.GetProperty("code").GetString() != "unavailable")
                    {
                        Interlocked.Increment(ref refusalsWithoutRetryAfter);
                    }
                    await Task.Delay(50);
                }
                else
                {
                    Interlocked.Increment(ref otherFailures);
                }
            }
        });

        await WaitForAsync(() => experiments.Count >= 20 && predictions.Count >= 50, "load before the outage");
        await cluster.HaltAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await WaitForReadyzAsync(server, HttpStatusCode.ServiceUnavailable));
        var (servedBefore, createdBefore) = (predictions.Count, experiments.Count);
        await Task.Delay(TimeSpan.FromSeconds(2));
        // The database is down: the gateway kept answering, the API refused writes with 503 and Retry-After.
        Assert.True(predictions.Count > servedBefore + 50, $"the gateway served {predictions.Count - servedBefore} predictions while the database was down");
        Assert.True(experiments.Count <= createdBefore + 1, "no write can succeed without the database");
        Assert.True(refusals > 0);

        await cluster.ResumeAsync();
        Assert.Equal(HttpStatusCode.OK, await WaitForReadyzAsync(server, HttpStatusCode.OK));
        var createdAfterOutage = experiments.Count;
        await WaitForAsync(() => experiments.Count >= createdAfterOutage + 20, "writes after the database returned");
        await stop.CancelAsync();
        await Task.WhenAll(predicting, writing);

        Assert.Equal(0, refusalsWithoutRetryAfter);
        Assert.Equal(0, otherFailures);
        foreach (var name in experiments)
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/api/v1/experiments/by-name/{name}")).StatusCode);
        }
        // Every acknowledged prediction is in the log (the durable log writes its table in the background).
        var logged = new HashSet<string>();
        var clock = Stopwatch.StartNew();
        while (logged.Count < predictions.Count && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            logged = await LoggedIdsAsync(server, endpoint);
            await Task.Delay(logged.Count < predictions.Count ? 100 : 0);
        }
        Assert.Empty(predictions.Except(logged));
        output.WriteLine($"{predictions.Count} predictions acknowledged and logged ({predictions.Count - servedBefore} from the outage on), "
            + $"{experiments.Count} experiments created, {refusals} writes refused with 503 while the database was away");
    }

    private static async Task<HashSet<string>> LoggedIdsAsync(TestServer server, string endpoint)
    {
        var ids = new HashSet<string>();
        string? token = null;
        do
        {
            var response = await server.Http.GetAsync(
                $"/api/v1/endpoints/{endpoint}/predictions?max_results=1000{(token is null ? "" : "&page_token=" + Uri.EscapeDataString(token))}");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return []; // the log's tables are not back yet: ask again
            }
            var page = await TestServer.JsonAsync(response);
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                ids.Add(item.GetProperty("prediction").GetProperty("prediction_id").GetString()!);
            }
            token = page.TryGetProperty("next_page_token", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (token is not null);
        return ids;
    }

    private static async Task<HttpStatusCode> WaitForReadyzAsync(TestServer server, HttpStatusCode wanted)
    {
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            status = (await server.Http.GetAsync("/readyz")).StatusCode;
        }
        while (status != wanted && clock.Elapsed < TimeSpan.FromSeconds(30) && await Delay());
        return status;

        static async Task<bool> Delay()
        {
            await Task.Delay(100);
            return true;
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
