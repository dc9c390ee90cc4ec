using System.Net;
using System.Net.Http.Json;
using Gyre.Core.Labelling;
using Gyre.Server.Tests.Serving;

namespace Gyre.Server.Tests.Labelling;

/// <summary>A queue samples what its strategy says, from the prediction log, after each window closes.</summary>
public sealed class LabelSamplingTests
{
    [Fact]
    public async Task Uncertainty_PicksTheRowsNearestHalf_OfASeededStream_InOneWindow()
    {
        await using var server = await TestServer.StartAsync();
        var endpoint = await ServingModels.CreateEndpointAsync(server, await ServingModels.TrainChurnAsync(server) + "/1");
        var since = LabelStreams.Now();
        // 200/minute over windows of 3 s: 10 items a window.
        var queue = await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest("uncertain", endpoint, LabelStrategies.Uncertainty, "200/minute", WindowSeconds: 3, Since: since, Seed: 1));
        Assert.Equal(["left", "stayed"], queue.Choices);
        // A share: 5% of the window's predictions.
        await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest("uncertain-share", endpoint, LabelStrategies.Uncertainty, "5%", WindowSeconds: 3, Since: since, Seed: 1));
        var rows = await LabelStreams.PredictAsync(server, endpoint, 300, seed: 11);

        var items = await LabelStreams.SampledAsync(server.Client, "uncertain", since + 3000);
        var expected = rows.OrderBy(r => Math.Abs(r.Answer.GetProperty("probability").GetDouble() - 0.5)).ThenBy(r => r.Id, StringComparer.Ordinal)
            .Take(10).Select(r => r.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, items.Select(i => i.Item.PredictionId).Order(StringComparer.Ordinal).ToList());
        var share = await LabelStreams.SampledAsync(server.Client, "uncertain-share", since + 3000);
        Assert.Equal(rows.OrderBy(r => Math.Abs(r.Answer.GetProperty("probability").GetDouble() - 0.5)).ThenBy(r => r.Id, StringComparer.Ordinal)
            .Take(15).Select(r => r.Id).Order(StringComparer.Ordinal), share.Select(i => i.Item.PredictionId).Order(StringComparer.Ordinal));
        Assert.All(items, i => Assert.StartsWith("uncertainty: probability 0.", i.Item.Reason, StringComparison.Ordinal));
        Assert.All(items, i => Assert.Equal(LabelItemStates.Open, i.Item.State));
        // The items carry the logged row and answer, for the labelling page.
        var first = rows.Single(r => r.Id == items[0].Item.PredictionId);
        Assert.Contains($"\"tenure\":{first.Tenure}", items[0].Item.Inputs, StringComparison.Ordinal);
        Assert.Equal(first.Answer.GetRawText(), items[0].Item.Outputs);
        var metrics = await server.Http.GetStringAsync("/metrics");
        Assert.Contains("gyre_label_items{queue=\"uncertain\",state=\"open\"} 10\n", metrics, StringComparison.Ordinal);
        Assert.Contains("gyre_label_items{queue=\"uncertain\",state=\"review\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("gyre_label_sampler_lag_seconds{queue=\"uncertain\"} ", metrics, StringComparison.Ordinal);
        Assert.Contains("gyre_label_window_seconds{queue=\"uncertain\"} 3\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slice_GivesEachValueItsQuota_RarestFirst_WhenTheBudgetIsShort()
    {
        await using var server = await TestServer.StartAsync();
        var endpoint = await ServingModels.CreateEndpointAsync(server, await ServingModels.TrainChurnAsync(server) + "/1");
        var since = LabelStreams.Now();
        await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest("wide", endpoint, LabelStrategies.Slice, "300/minute", WindowSeconds: 3,
            Slice: new SliceQuota("plan", 4), Since: since, Seed: 2));
        // 7 a window, one item at a time round the values, rarest first: pro 3, plus 2, basic 2.
        await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest("short", endpoint, LabelStrategies.Slice, "140/minute", WindowSeconds: 3,
            Slice: new SliceQuota("plan", 4), Since: since, Seed: 2));
        var rows = await LabelStreams.PredictAsync(server, endpoint, 200, seed: 5, plan: r => r.NextDouble() switch { < 0.03 => "pro", < 0.2 => "plus", _ => "basic" });
        var byPlan = rows.GroupBy(r => r.Plan).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(byPlan["pro"] >= 4 && byPlan["plus"] > byPlan["pro"] && byPlan["basic"] > byPlan["plus"], string.Join(", ", byPlan));

        var wide = await LabelStreams.SampledAsync(server.Client, "wide", since + 3000);
        var plans = wide.Select(i => rows.Single(r => r.Id == i.Item.PredictionId).Plan).GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["basic"] = 4, ["plus"] = 4, ["pro"] = 4 }, plans);
        Assert.Contains(wide, i => i.Item.Reason == $"slice: plan = pro ({byPlan["pro"]} predictions in its window)");

        var shortOf = await LabelStreams.SampledAsync(server.Client, "short", since + 3000);
        plans = shortOf.Select(i => rows.Single(r => r.Id == i.Item.PredictionId).Plan).GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["basic"] = 2, ["plus"] = 2, ["pro"] = 3 }, plans);
    }

    [Fact]
    public async Task ARandomQueue_WithTheSameSeed_PicksTheSameItems_AndNeverMoreThanItsRate()
    {
        await using var server = await TestServer.StartAsync();
        var endpoint = await ServingModels.CreateEndpointAsync(server, await ServingModels.TrainChurnAsync(server) + "/1");
        var since = LabelStreams.Now();
        foreach (var name in new[] { "a", "b" })
        {
            await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest(name, endpoint, LabelStrategies.Random, "120/minute", WindowSeconds: 3, Double: 0.5, Since: since, Seed: 42));
        }
        // A share of the traffic: 8% of the window's 100 predictions, and 2.5% (2 or 3, by a draw of the window's seed).
        await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest("eight", endpoint, LabelStrategies.Random, "8%", WindowSeconds: 3, Since: since, Seed: 42));
        await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest("half", endpoint, LabelStrategies.Random, "2.5%", WindowSeconds: 3, Since: since, Seed: 42));
        var rows = await LabelStreams.PredictAsync(server, endpoint, 100, seed: 3);
        var a = await LabelStreams.SampledAsync(server.Client, "a", since + 3000);
        var b = await LabelStreams.SampledAsync(server.Client, "b", since + 3000);
        Assert.Equal(6, a.Count);
        Assert.Equal(a.Select(i => (i.Item.PredictionId, i.Item.LabelsNeeded)), b.Select(i => (i.Item.PredictionId, i.Item.LabelsNeeded)));
        Assert.Contains(a, i => i.Item.LabelsNeeded == 2);
        Assert.All(a, i => Assert.Equal("random: 1 of 100 predictions in its window", i.Item.Reason));
        var eight = await LabelStreams.SampledAsync(server.Client, "eight", since + 3000);
        Assert.Equal(8, eight.Select(i => i.Item.PredictionId).Distinct().Count());
        Assert.Subset(rows.Select(r => r.Id).ToHashSet(), eight.Select(i => i.Item.PredictionId).ToHashSet());
        Assert.InRange((await LabelStreams.SampledAsync(server.Client, "half", since + 3000)).Count, 2, 3);
    }

    [Fact]
    public async Task BadQueues_AreRefused_NamingTheField_AndNothingIsKept()
    {
        await using var server = await TestServer.StartAsync();
        var endpoint = await ServingModels.CreateEndpointAsync(server, await ServingModels.TrainChurnAsync(server) + "/1");
        async Task<string> RefusedAsync(object body, HttpStatusCode status)
        {
            var response = await server.Http.PostAsJsonAsync("/api/v1/label-queues", body);
            Assert.Equal(status, response.StatusCode);
            return (await TestServer.JsonAsync(response)).GetProperty("detail").GetString()!;
        }
        Assert.Contains("rate: expected more than 0", await RefusedAsync(new { name = "q", endpoint, strategy = "random", rate = "0/hour" }, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Contains("rate: expected N/second", await RefusedAsync(new { name = "q", endpoint, strategy = "random", rate = "fast" }, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        foreach (var share in new[] { "0%", "150%", "some%" })
        {
            Assert.Equal($"rate: expected a share of the predictions more than 0% and at most 100% (for example 2%), got '{share}'",
                await RefusedAsync(new { name = "q", endpoint, strategy = "random", rate = share }, HttpStatusCode.BadRequest));
        }
        Assert.Contains("endpoint: no endpoint named 'nowhere'", await RefusedAsync(new { name = "q", endpoint = "nowhere", strategy = "random", rate = "5/hour" }, HttpStatusCode.NotFound), StringComparison.Ordinal);
        Assert.Contains("strategy: expected one of random, uncertainty", await RefusedAsync(new { name = "q", endpoint, strategy = "vibes", rate = "5/hour" }, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Contains("slice: the slice strategy needs", await RefusedAsync(new { name = "q", endpoint, strategy = "slice", rate = "5/hour" }, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Contains("double: expected the share", await RefusedAsync(new { name = "q", endpoint, strategy = "random", rate = "5/hour", @double = 1.5 }, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Contains("has no monitor", await RefusedAsync(new { name = "q", endpoint, strategy = "drift", rate = "5/hour" }, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Empty((await server.Client.Labels.ListQueuesAsync()).Items);

        await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest("q", endpoint, LabelStrategies.Random, "5/hour"));
        Assert.Contains("name: the labelling queue 'q' exists", await RefusedAsync(new { name = "q", endpoint, strategy = "random", rate = "5/hour" }, HttpStatusCode.Conflict), StringComparison.Ordinal);
    }
}
