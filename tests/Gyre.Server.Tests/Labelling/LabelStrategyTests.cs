using Gyre.Core.Labelling;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Serving.Rollouts;
using Gyre.Server.Tests.Serving;

namespace Gyre.Server.Tests.Labelling;

/// <summary>The strategies that read beyond one prediction: a shadow's disagreement, and the monitor's drift.</summary>
public sealed class LabelStrategyTests
{
    [Fact]
    public async Task Disagreement_PicksThePrimarysPredictions_AShadowAnsweredOtherwise_WidestFirst()
    {
        await using var server = await TestServer.StartAsync();
        var model = await ServingModels.TrainChurnAsync(server);
        await ServingModels.TrainChurnAsync(server, register: model, seed: 8, inverted: true);
        var endpoint = await ServingModels.CreateEndpointAsync(server, model + "/1");
        await server.Client.Endpoints.StartRolloutAsync(endpoint, new RolloutRequest($"{model}/2", RolloutStrategies.Shadow, ShadowPercent: 100));
        var since = LabelStreams.Now();
        await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest("differ", endpoint, LabelStrategies.Disagreement, "100/minute", WindowSeconds: 3, Since: since));
        var rows = await LabelStreams.PredictAsync(server, endpoint, 60, seed: 6);

        var items = await LabelStreams.SampledAsync(server.Client, "differ", since + 3000);
        var logged = (await server.Client.Endpoints.ListPredictionsAsync(endpoint, since)).Items.Select(i => i.Prediction).ToList();
        Assert.Equal(60, logged.Count(p => p.Routing == "shadow"));
        // A model answers the same inputs alike: a shadow's answer to a row is its answer to any row with those inputs.
        var shadow = logged.Where(p => p.Routing == "shadow").GroupBy(p => p.Inputs).ToDictionary(g => g.Key, g => g.First());
        double Score(string outputs) => System.Text.Json.JsonDocument.Parse(outputs).RootElement.GetProperty("probability").GetDouble();
        string Label(string outputs) => System.Text.Json.JsonDocument.Parse(outputs).RootElement.GetProperty("label").GetString()!;
        var differing = logged.Where(p => p.Routing != "shadow" && Label(p.Outputs) != Label(shadow[p.Inputs].Outputs))
            .OrderByDescending(p => Math.Abs(Score(p.Outputs) - Score(shadow[p.Inputs].Outputs))).ThenBy(p => p.PredictionId, StringComparer.Ordinal).ToList();
        Assert.True(differing.Count > 5, $"{differing.Count} rows differ");
        Assert.Equal(differing.Take(5).Select(p => p.PredictionId).Order(StringComparer.Ordinal), items.Select(i => i.Item.PredictionId).Order(StringComparer.Ordinal));
        Assert.All(items, i => Assert.Equal($"{model}-v1", i.Item.Variant));
        Assert.All(items, i => Assert.Matches($"^disagreement: {model}-v1 answered (left|stayed) \\([0-9.]+\\), {model}-v2 answered (left|stayed) \\([0-9.]+\\)$", i.Item.Reason));
    }

    [Fact]
    public async Task Drift_PicksTheRowsTheReferenceHoldsLeast_OfTheFeatureThatDriftedMost()
    {
        await using var server = await TestServer.StartAsync();
        var endpoint = await ServingModels.CreateEndpointAsync(server, await ServingModels.TrainChurnAsync(server) + "/1");
        await server.Client.Endpoints.SetMonitorAsync(endpoint, new MonitorSettings(WindowPredictions: 100));
        // Long-tenure customers only, on every plan: tenure drifts, plan does not.
        await LabelStreams.PredictAsync(server, endpoint, 100, seed: 1, plan: r => LabelStreams.Plans[r.Next(3)], tenure: r => 60 + r.Next(12));
        DriftWindow? window = null;
        for (var i = 0; i < 100 && window is null; i++)
        {
            await Task.Delay(200);
            window = (await server.Client.Endpoints.ListDriftWindowsAsync(endpoint)).Items is { Count: > 0 } windows ? windows[0] : null;
        }
        Assert.NotNull(window);
        Assert.True(window.Data.Columns.Single(c => c.Column == "tenure").Drifted);

        var since = LabelStreams.Now();
        await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest("drifted", endpoint, LabelStrategies.Drift, "100/minute", WindowSeconds: 3, Since: since));
        // (The monitor's latest window when the queue samples: this traffic may close another.)
        // 95 customers of middling tenure and five at the ends of the reference's range.
        var count = 0;
        var rows = await LabelStreams.PredictAsync(server, endpoint, 100, seed: 2, tenure: r => count++ % 20 == 0 ? (count % 40 == 1 ? 0 : 71) : 30 + r.Next(12));
        var extremes = rows.Where(r => r.Tenure is 0 or 71).Select(r => r.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(5, extremes.Count);

        var items = await LabelStreams.SampledAsync(server.Client, "drifted", since + 3000);
        Assert.Equal(extremes, items.Select(i => i.Item.PredictionId).Order(StringComparer.Ordinal));
        Assert.All(items, i => Assert.Matches($"^drift: tenure = (0|71), at quantile 0\\.\\d+ of the reference; tenure drifted most in monitor window \\d+$", i.Item.Reason));
    }
}
