using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Core.Coordination;
using Gyre.Storage;
using Gyre.Tests.Shared;
using Microsoft.Extensions.Time.Testing;

namespace Gyre.Server.Tests.Serving;

/// <summary>
/// Two servers on one PostgreSQL database and one artifact folder, as replicas: the controller runs on
/// the one with the worker role and judges canary steps on both replicas' traffic. Their clock is one
/// fake both share, so bake times pass without sleeping.
/// </summary>
public sealed class ReplicaRolloutTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-07T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly string _artifacts = Path.Combine(Path.GetTempPath(), "gyre-server-test-" + Guid.NewGuid().ToString("N"));
    private TestPostgres? _database;
    private TestServer _controller = null!;
    private TestServer _gateway = null!;

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateAsync();
        var artifacts = new ArtifactStoreOptions(new Uri(_artifacts + "/").AbsoluteUri);
        _controller = await TestServer.StartAsync(o => o with { Database = new DatabaseOptions(_database.Url), Migrate = true, Artifacts = artifacts }, time: _time);
        _gateway = await TestServer.StartAsync(o => o with
        {
            Database = new DatabaseOptions(_database.Url),
            Artifacts = artifacts,
            Replica = new ReplicaOptions { Roles = ReplicaRoles.Api | ReplicaRoles.Gateway },
        }, time: _time);
    }

    public async Task DisposeAsync()
    {
        if (_database is null)
        {
            return;
        }
        await _gateway.DisposeAsync();
        await _controller.DisposeAsync();
        await _database.DisposeAsync();
        Directory.Delete(_artifacts, recursive: true);
    }

    [SkippableFact]
    public async Task ACanaryFailingOnlyOnAnotherReplica_IsRolledBack()
    {
        var stable = await ServingModels.TrainChurnAsync(_controller);
        // The candidate needs a column: requests that carry it are answered everywhere, and the
        // gateway replica's callers never send it, so the candidate fails there and only there.
        var candidate = await ServingModels.TrainChurnAsync(_controller, withRegion: true);
        var endpoint = await ServingModels.CreateEndpointAsync(_controller, $"{stable}/1");
        await WaitUntilAsync(async () => (await PredictAsync(_gateway, endpoint, region: false)).StatusCode == HttpStatusCode.OK);

        var started = await _controller.Http.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/rollouts",
            new { model = $"{candidate}/1", steps = new[] { 50, 100 }, bake_seconds = 30, min_requests = 10 });
        Assert.True(started.StatusCode == HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
        var id = (await TestServer.JsonAsync(started)).GetProperty("id").GetInt64();
        // The gateway replica serves the candidate once the routing change reached it.
        await WaitUntilAsync(async () => await VariantAsync(await PredictAsync(_gateway, endpoint, region: true)) == $"{candidate}-v1");

        var (controllerFailures, gatewayFailures) = (0, 0);
        for (var i = 0; i < 60; i++)
        {
            controllerFailures += (await PredictAsync(_controller, endpoint, region: true)).IsSuccessStatusCode ? 0 : 1;
            gatewayFailures += (await PredictAsync(_gateway, endpoint, region: false)).StatusCode == HttpStatusCode.BadRequest ? 1 : 0;
        }
        Assert.Equal(0, controllerFailures);
        Assert.InRange(gatewayFailures, 10, 50);

        // The gateway publishes its totals every second of the shared clock (well within the step's bake time)...
        var clock = Stopwatch.StartNew();
        while (await PublishedErrorsAsync($"{candidate}-v1") != gatewayFailures)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the gateway replica did not publish its totals");
            _time.Advance(TimeSpan.FromMilliseconds(200));
            await Task.Delay(20);
        }
        // ...and the controller, on the other replica, judges the step on both replicas' traffic.
        var failed = await AdvanceUntilAsync(endpoint, id, r => r.GetProperty("state").GetString() != "running");
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        var reason = failed.GetProperty("transitions").EnumerateArray().Last().GetProperty("reason").GetString()!;
        Assert.Contains("error rate", reason, StringComparison.Ordinal);
        var analysis = failed.GetProperty("analyses").EnumerateArray().Last();
        // Both replicas' requests were judged: the candidate's errors all happened on the gateway replica.
        Assert.Equal(gatewayFailures, analysis.GetProperty("candidate").GetProperty("errors").GetInt64());
        Assert.True(analysis.GetProperty("candidate").GetProperty("requests").GetInt64() + analysis.GetProperty("stable").GetProperty("requests").GetInt64() >= 120, analysis.ToString());
        await WaitUntilAsync(async () => await WeightsAsync(_gateway, endpoint) == "v1:100");
    }

    [SkippableFact]
    public async Task FailuresServedOnlyByAnotherReplica_FireAnErrorRatePolicy_AndShowOnTheDashboard()
    {
        var model = await ServingModels.TrainChurnAsync(_controller);
        var endpoint = await ServingModels.CreateEndpointAsync(_controller, $"{model}/1");
        await WaitUntilAsync(async () => (await PredictAsync(_gateway, endpoint, region: false)).IsSuccessStatusCode);
        var policy = Unique.Name("errors");
        await _controller.Client.Policies.ApplyAsync($"name: {policy}\nendpoint: {endpoint}\nwhen:\n  - {{error_rate: 0.2, seconds: 60}}\nthen: [rollback]\n");

        // Every request is the gateway replica's: one answered, three refused by the model's signature.
        for (var i = 0; i < 3; i++)
        {
            var refused = await _gateway.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances = new[] { new { tenure = "long", plan = "pro" } } });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        // The gateway saves its intervals every 10 s of the shared clock: once they are in the
        // database, the policy engine on the other replica reads them at its next tick (every 5 s).
        // The clock moves on only while the policy's 60 s window still holds the failures.
        var traffic = (Core.Serving.Traffic.ITrafficStore)_controller.Services.GetService(typeof(Core.Serving.Traffic.ITrafficStore))!;
        var since = _time.GetUtcNow().ToUnixTimeMilliseconds() - 60_000;
        _time.Advance(TimeSpan.FromSeconds(10));
        await WaitUntilAsync(async () => (await traffic.LoadAsync(endpoint, since, "", CancellationToken.None)).Sum(t => t.Interval.Errors) == 3);
        IReadOnlyList<Core.Monitoring.Policies.PolicyFiring> firings = [];
        for (var tick = 0; tick < 8 && firings.Count == 0; tick++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            var clock = Stopwatch.StartNew();
            while (firings.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(2))
            {
                await Task.Delay(50);
                firings = (await _controller.Client.Policies.FiringsAsync(policy)).Items;
            }
        }
        Assert.Equal("error rate 75.0 % over 4 requests is above 0.2", Assert.Single(Assert.Single(firings).Evidence));

        // The controller served none of them, and its dashboard charts them all.
        var page = await _controller.Http.GetStringAsync($"/endpoints/{endpoint}");
        Assert.DoesNotContain("No requests in the last 30 minutes", page, StringComparison.Ordinal);
        var errors = page[page.IndexOf("<figcaption>Error rate</figcaption>", StringComparison.Ordinal)..];
        Assert.Contains(": 0.75</title>", errors[..errors.IndexOf("</figure>", StringComparison.Ordinal)], StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task MonitorsOverTrafficOnEveryReplica_CheckEachWindowOnce()
    {
        // A second replica with the worker role: two candidates for the monitor's lease.
        await using var worker = await TestServer.StartAsync(o => o with { Database = new DatabaseOptions(_database!.Url), Artifacts = new ArtifactStoreOptions(new Uri(_artifacts + "/").AbsoluteUri) },
            time: _time);
        var model = await ServingModels.TrainChurnAsync(_controller);
        var endpoint = await ServingModels.CreateEndpointAsync(_controller, $"{model}/1");
        await WaitUntilAsync(async () => (await PredictAsync(_gateway, endpoint, region: false)).IsSuccessStatusCode);
        await _controller.Client.Endpoints.SetMonitorAsync(endpoint, new Core.Monitoring.Monitors.MonitorSettings(WindowPredictions: 200));

        // 620 predictions, half through each gateway replica: three windows of 200, and 20 over.
        var random = new Random(5);
        string[] plans = ["basic", "plus", "pro"];
        for (var i = 0; i < 62; i++)
        {
            var server = i % 2 == 0 ? _controller : _gateway;
            await server.Client.Endpoints.PredictAsync(endpoint, [.. Enumerable.Range(0, 10).Select(_ => new Dictionary<string, object?> { ["tenure"] = random.Next(72), ["plan"] = plans[random.Next(3)] })]);
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }
        var clock = Stopwatch.StartNew();
        IReadOnlyList<Core.Monitoring.Monitors.DriftWindow> windows;
        // One monitor tick (5 s of the shared clock) at a time, with time between for the tick to run
        // on a loaded machine: the clock must not race ahead of the work it schedules.
        do
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(200);
            windows = (await _gateway.Client.Endpoints.ListDriftWindowsAsync(endpoint)).Items;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{windows.Count} windows checked");
        }
        while (windows.Count < 3);
        // More ticks of both workers: still three windows, each of 200, one after the other.
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(50);
        }
        windows = (await _gateway.Client.Endpoints.ListDriftWindowsAsync(endpoint)).Items;
        // 621 with the one the wait for the gateway sent: no prediction is in two windows.
        Assert.Equal(3, windows.Count);
        Assert.All(windows, w => Assert.InRange(w.Predictions, 200, 221));
        Assert.InRange(windows.Sum(w => w.Predictions), 600, 621);
        Assert.Equal(windows[1].End, windows[0].Start);
        Assert.Equal(windows[2].End, windows[1].Start);
    }

    private async Task<long?> PublishedErrorsAsync(string variant) =>
        await _database!.ScalarAsync($"SELECT CAST(SUM(errors) AS bigint) FROM {_database.Schema}.variant_totals WHERE variant = '{variant}'") is long errors ? errors : null;

    private static async Task<HttpResponseMessage> PredictAsync(TestServer server, string endpoint, bool region) =>
        await server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", region
            ? new { instances = new object[] { new { tenure = 12, plan = "basic", region = "north" } } }
            : new { instances = new object[] { new { tenure = 12, plan = "basic" } } });

    private static async Task<string?> VariantAsync(HttpResponseMessage response) =>
        response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("variant").GetString() : null;

    /// <summary>The endpoint's live weights as the database records them.</summary>
    private static async Task<string> WeightsAsync(TestServer server, string endpoint)
    {
        var status = await TestServer.JsonAsync(await server.Http.GetAsync($"/api/v1/endpoints/{endpoint}"));
        return string.Join(" ", status.GetProperty("endpoint").GetProperty("variants").EnumerateArray()
            .Select(v => $"v{v.GetProperty("model_version").GetInt64()}:{v.GetProperty("weight").GetInt32()}"));
    }

    private async Task<JsonElement> AdvanceUntilAsync(string endpoint, long id, Func<JsonElement, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var rollout = await TestServer.JsonAsync(await _controller.Http.GetAsync($"/api/v1/endpoints/{endpoint}/rollouts/{id}"));
            if (done(rollout))
            {
                return rollout;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the controller did not act: {rollout}");
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "not so within 10 s");
            await Task.Delay(20);
        }
    }
}
