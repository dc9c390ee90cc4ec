using System.Net;
using System.Net.Http.Json;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Server.Tests.Serving;
using Microsoft.Extensions.Time.Testing;

namespace Gyre.Server.Tests.Monitoring;

/// <summary>An endpoint's traffic checked for drift window by window, on a server whose clock the test moves.</summary>
public sealed class EndpointMonitorTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-28T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(time: _time);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task SendAsync(string endpoint, int rows, Func<Random, (int Tenure, string Plan)> draw, int seed)
    {
        var random = new Random(seed);
        var instances = Enumerable.Range(0, rows).Select(_ => draw(random)).Select(r => new Dictionary<string, object?> { ["tenure"] = r.Tenure, ["plan"] = r.Plan }).ToList();
        await _server.Client.Endpoints.PredictAsync(endpoint, instances);
        _time.Advance(TimeSpan.FromMilliseconds(10));
    }

    private async Task<IReadOnlyList<DriftWindow>> WindowsAsync(string endpoint, int expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            // The monitor checks every 5 s of server time.
            _time.Advance(TimeSpan.FromSeconds(5));
            var windows = (await _server.Client.Endpoints.ListDriftWindowsAsync(endpoint)).Items;
            if (windows.Count >= expected || timeout.IsCancellationRequested)
            {
                return windows;
            }
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task TrafficLikeTheTrainingData_DoesNotDrift_AndShiftedTrafficDoes()
    {
        var model = await ServingModels.TrainChurnAsync(_server);
        var endpoint = await ServingModels.CreateEndpointAsync(_server, model + "/1");
        var state = await _server.Client.Endpoints.SetMonitorAsync(endpoint, new MonitorSettings(WindowPredictions: 200));
        Assert.Equal(200, state.Settings.WindowPredictions);

        // The training data: tenure uniform in 0..71, plans equally likely.
        string[] plans = ["basic", "plus", "pro"];
        await SendAsync(endpoint, 120, r => (r.Next(72), plans[r.Next(3)]), seed: 1);
        Assert.Empty(await WindowsAsync(endpoint, 0));
        await SendAsync(endpoint, 100, r => (r.Next(72), plans[r.Next(3)]), seed: 2);
        var first = Assert.Single(await WindowsAsync(endpoint, 1));

        Assert.Equal(220, first.Predictions);
        Assert.Equal($"{model.Replace("-model", "", StringComparison.Ordinal)}.train@1", first.Reference);
        Assert.Equal(["tenure", "plan"], first.Data.Columns.Select(c => c.Column));
        Assert.Equal(["ks", "chisquare"], first.Data.Columns.Select(c => c.Test));
        Assert.False(first.Data.DatasetDrift);
        Assert.NotNull(first.Prediction);
        Assert.False(first.Prediction!.Drifted);

        // Then long-tenure customers on the pro plan only: both features and the predictions drift.
        await SendAsync(endpoint, 200, r => (60 + r.Next(12), "pro"), seed: 3);
        var windows = await WindowsAsync(endpoint, 2);
        var second = windows[0];
        Assert.Equal(200, second.Predictions);
        Assert.True(second.Data.DatasetDrift);
        Assert.All(second.Data.Columns, c => Assert.True(c.Drifted, c.Column));
        Assert.True(second.Prediction!.Drifted);
        Assert.Equal(first.End, second.Start);

        var metrics = await _server.Http.GetStringAsync("/metrics");
        Assert.Contains($"gyre_drift_dataset{{endpoint=\"{endpoint}\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains($"gyre_drift_column{{endpoint=\"{endpoint}\",column=\"prediction\"}} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadSettings_AreRefusedWithTheField()
    {
        var model = await ServingModels.ImportBreastCancerAsync(_server);
        var endpoint = await ServingModels.CreateEndpointAsync(_server, model + "/1");

        var bad = await _server.Http.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/monitor", new { window_predictions = 3, window_seconds = 60 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var text = await bad.Content.ReadAsStringAsync();
        Assert.Contains("window_predictions: expected 10 to 100000, got 3", text, StringComparison.Ordinal);
        Assert.Contains("window_seconds: give window_predictions or window_seconds, not both", text, StringComparison.Ordinal);

        var imported = await _server.Http.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/monitor", new { });
        Assert.Equal(HttpStatusCode.BadRequest, imported.StatusCode);
        Assert.Contains("was not trained by Gyre, so its training data is unknown; name the reference dataset", await imported.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.PutAsJsonAsync("/api/v1/endpoints/nothing/monitor", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/drift")).StatusCode);
    }

    [Fact]
    public async Task OnlineMetricsPerWindow_CountLateLabelsInTheWindowOfTheirPrediction()
    {
        var model = await ServingModels.TrainChurnAsync(_server);
        var endpoint = await ServingModels.CreateEndpointAsync(_server, model + "/1");
        var since = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var rows = Enumerable.Range(0, 10).Select(i => new Dictionary<string, object?> { ["tenure"] = i * 7, ["plan"] = "basic" }).ToList();
        var first = await _server.Client.Endpoints.PredictAsync(endpoint, rows);
        _time.Advance(TimeSpan.FromSeconds(60));
        var second = await _server.Client.Endpoints.PredictAsync(endpoint, rows);
        // The truth for the first minute arrives at once: every answer right.
        await _server.Client.Endpoints.FeedbackAsync(endpoint, first.PredictionIds.Select((id, i) => (id, (object)first.Predictions[i].GetProperty("label").GetString()!)));

        async Task<System.Text.Json.JsonElement> WindowsAsync() =>
            (await TestServer.JsonAsync(await _server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/online-metrics?since={since}&window_seconds=60"))).GetProperty("windows");
        var windows = await WindowsAsync();
        Assert.Equal(2, windows.GetArrayLength());
        var early = windows[0].GetProperty("variants")[0];
        Assert.Equal((1.0, 10, 10), (early.GetProperty("value").GetDouble(), early.GetProperty("labelled").GetInt32(), early.GetProperty("predictions").GetInt64()));
        var waiting = windows[1].GetProperty("variants")[0];
        Assert.Equal((0, 10), (waiting.GetProperty("labelled").GetInt32(), waiting.GetProperty("predictions").GetInt64()));
        Assert.False(waiting.TryGetProperty("value", out _));

        // The second minute's truth comes an hour late, half of it contradicting the answers: it lands in the second window.
        _time.Advance(TimeSpan.FromHours(1));
        await _server.Client.Endpoints.FeedbackAsync(endpoint, second.PredictionIds.Select((id, i) =>
        {
            var answered = second.Predictions[i].GetProperty("label").GetString()!;
            return (id, (object)(i % 2 == 0 ? answered : answered == "left" ? "stayed" : "left"));
        }));
        windows = await WindowsAsync();
        Assert.Equal(2, windows.GetArrayLength());
        Assert.Equal(1.0, windows[0].GetProperty("variants")[0].GetProperty("value").GetDouble());
        var late = windows[1].GetProperty("variants")[0];
        Assert.Equal((0.5, 10), (late.GetProperty("value").GetDouble(), late.GetProperty("labelled").GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, (await _server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/online-metrics?window_seconds=0")).StatusCode);
    }
}
