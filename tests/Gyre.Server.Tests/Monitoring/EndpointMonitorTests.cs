using System.Net;
using System.Net.Http.Json;
using Gyre.Core.Monitoring.Endpoints;
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
}
