using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Monitoring.Sequential;
using Gyre.Server.Tests.Api;
using Gyre.Server.Tests.Serving;

namespace Gyre.Server.Tests.Monitoring;

/// <summary>
/// A slow creep in an endpoint's traffic, too small for any one window's drift test, found by the
/// sequential detectors across windows; checked against CUSUM's recurrence computed here from the
/// rows the test sent; a policy acts on it and its retraining reads from the estimated change point.
/// </summary>
public sealed class SequentialMonitorTests : ClockedMonitorTests
{
    private const int WindowRows = 200;
    /// <summary>One window's request: tenure as in the training data (uniform 0..71) plus <paramref name="shift"/>; its tenure values.</summary>
    private async Task<int[]> SendAsync(string endpoint, double shift, int seed)
    {
        var random = new Random(seed);
        string[] plans = ["basic", "plus", "pro"];
        var tenure = Enumerable.Range(0, WindowRows).Select(_ => random.Next(72) + (int)Math.Round(shift)).ToArray();
        await Server.Client.Endpoints.PredictAsync(endpoint, [.. tenure.Select(t => new Dictionary<string, object?> { ["tenure"] = t, ["plan"] = plans[random.Next(3)] })]);
        Time.Advance(TimeSpan.FromMilliseconds(10));
        return tenure;
    }

    [Fact]
    public async Task SlowCreep_RaisesACusumAlarm_WhereTheRecurrenceSays_AndThePolicyRetrainsFromTheChangePoint()
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, model + "/1");
        await Server.Client.Endpoints.SetMonitorAsync(endpoint, new MonitorSettings(WindowPredictions: WindowRows));
        var pipeline = Unique.Name("retrain");
        await Server.Client.Pipelines.SaveAsync($"name: {pipeline}\nsteps:\n  - {{id: a, uses: command, with: {{run: 'true'}}}}\n");
        var policy = Unique.Name("creep");
        await Server.Client.Policies.ApplyAsync($"name: {policy}\nendpoint: {endpoint}\nwhen:\n  - sequential_drift: tenure\nthen:\n  - {{run_pipeline: {pipeline}}}\n");

        // Four windows like the training data, then tenure creeps up by 1.5 a window (about one standard error of a 200-row mean).
        var sent = new List<int[]>();
        for (var i = 0; i < 12; i++)
        {
            sent.Add(await SendAsync(endpoint, i < 4 ? 0 : (i - 3) * 1.5, seed: 100 + i));
        }
        var windows = await WindowsAsync(endpoint, 12);
        Assert.Equal(12, windows.Count);

        // CUSUM written out, from the rows sent and the reference's mean and (population) standard deviation.
        var at = windows[0].Reference.LastIndexOf('@');
        var reference = (await Server.Client.Datasets.GetReferenceAsync(windows[0].Reference[..at], long.Parse(windows[0].Reference[(at + 1)..], CultureInfo.InvariantCulture)))
            .Columns.Single(c => c.Name == "tenure");
        double upper = 0, lower = 0;
        long? since = null;
        (int Window, long Since)? expected = null;
        for (var i = 0; i < windows.Count && expected is null; i++)
        {
            var z = (sent[i].Average() - reference.Mean!.Value) / (reference.Stddev!.Value / Math.Sqrt(WindowRows));
            upper = Math.Max(0, upper + z - SequentialSettings.DefaultCusumK);
            lower = Math.Max(0, lower - z - SequentialSettings.DefaultCusumK);
            since = upper == 0 ? null : since ?? windows[i].Start;
            var point = windows[i].Sequential!.Single(p => p.Statistic == "tenure");
            Assert.Equal(("mean", sent[i].Average()), (point.Measure, point.Value!.Value));
            Assert.Equal(z, point.Z!.Value, 9);
            Assert.Equal(upper, point.Cusum.Upper, 9);
            Assert.Equal(lower, point.Cusum.Lower, 9);
            if (upper > SequentialSettings.DefaultCusumH)
            {
                expected = (i, since!.Value);
            }
        }
        Assert.NotNull(expected);
        var (window, changeStart) = expected.Value;
        var alarm = windows[window].Sequential!.Single(p => p.Statistic == "tenure").Alarms!.Single(a => a.Detector == SequentialDetectors.Cusum);
        Assert.Equal((SequentialAlarm.Up, changeStart), (alarm.Direction, alarm.ChangeStart));
        // Found once the creep began (its estimated start is where the sum last left zero, which clean windows above the mean can put earlier).
        Assert.True(window >= 4, $"alarm in window {window}");
        // No window before it drifted by its own test: the creep was too small for any one of them.
        Assert.All(windows.Take(window + 1), w => Assert.False(w.Data.Columns.Single(c => c.Column == "tenure").Drifted, $"window {w.Id}"));
        Assert.All(windows.Take(window), w => Assert.Null(w.Sequential!.Single(p => p.Statistic == "tenure").Alarms?.FirstOrDefault(a => a.Detector == SequentialDetectors.Cusum)));
        Assert.StartsWith("share of ", windows[0].Sequential!.Single(p => p.Statistic == "prediction").Measure, StringComparison.Ordinal);

        // The policy fired on that window; the retraining it started reads from the estimated change point.
        var firing = Assert.Single((await Server.Client.Policies.FiringsAsync(policy)).Items);
        Assert.StartsWith($"sequential alarm at window {windows[window].Id}: tenure (mean) went up; ", firing.Evidence[0], StringComparison.Ordinal);
        var run = (await Server.Client.Pipelines.ListRunsAsync(pipeline)).Items.Single();
        Assert.Equal((windows[window].Id, changeStart, windows[window].End), (run.Trigger.Drift!.Window, run.Trigger.Drift.Start, run.Trigger.Drift.End));
        Assert.Contains("tenure", run.Trigger.Drift.Columns);

        var metrics = await Server.Http.GetStringAsync("/metrics");
        var last = windows[^1].Sequential!.Single(p => p.Statistic == "tenure");
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"gyre_sequential_detector{{endpoint=\"{endpoint}\",statistic=\"tenure\",detector=\"cusum\",side=\"up\"}} {last.Cusum.Upper:R}"), metrics, StringComparison.Ordinal);
        Assert.Contains($"gyre_sequential_z{{endpoint=\"{endpoint}\",statistic=\"prediction\"}}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadSequentialSettings_AreRefusedWithTheirFields_AndCanBeTurnedOff()
    {
        var model = await ServingModels.TrainChurnAsync(Server);
        var endpoint = await ServingModels.CreateEndpointAsync(Server, model + "/1");
        var bad = await Server.Http.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/monitor", new { sequential = new { cusum_h = 0, page_hinkley_delta = -1 } });
        var detail = await ProblemAssert.IsAsync(bad, HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Contains("sequential.cusum_h: expected more than 0 to 1000 standard errors, got 0", detail, StringComparison.Ordinal);
        Assert.Contains("sequential.page_hinkley_delta: expected 0 to 10 standard errors, got -1", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/monitor")).StatusCode);

        await Server.Client.Endpoints.SetMonitorAsync(endpoint, new MonitorSettings(WindowPredictions: WindowRows, Sequential: new SequentialSettings(Enabled: false)));
        await SendAsync(endpoint, 0, seed: 1);
        var window = Assert.Single(await WindowsAsync(endpoint, 1));
        Assert.Null(window.Sequential);

        var policy = await Server.Http.PostAsJsonAsync("/api/v1/policies", new { yaml = $"name: p\nendpoint: {endpoint}\nwhen:\n  - sequential_drift: false\nthen: [rollback]\n" });
        Assert.Contains("line 4: when.sequential_drift: expected true (any statistic) or a statistic's name (a feature, or prediction)",
            await ProblemAssert.IsAsync(policy, HttpStatusCode.BadRequest, "invalid_argument"), StringComparison.Ordinal);
    }
}
