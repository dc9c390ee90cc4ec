using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Pipelines.Runs;
using Gyre.Server.Tests.Api;
using Gyre.Server.Tests.Serving;
using Microsoft.Extensions.Time.Testing;

namespace Gyre.Server.Tests.Monitoring;

/// <summary>Policies fire on monitoring's evidence, run their actions and respect their cool-down; the server's clock is moved by the test.</summary>
public sealed class PolicyTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-28T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ConcurrentQueue<JsonElement> _hooks = new();
    private readonly HttpListener _listener = new();
    private TestServer _server = null!;
    private string _hook = null!;

    public async Task InitializeAsync()
    {
        // The test's listener is on loopback, which webhooks may reach only when allowed. The clock
        // moves in leaps here, so the webhooks' timeouts are set beyond them (their own tests are elsewhere).
        _server = await TestServer.StartAsync(o => o with
        {
            Webhooks = new() { Allow = ["127.0.0.1"], AttemptTimeout = TimeSpan.FromDays(10), Deadline = TimeSpan.FromDays(20) },
        }, time: _time);
        var port = FreePort();
        _hook = $"http://127.0.0.1:{port}/hook/";
        _listener.Prefixes.Add(_hook);
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                try
                {
                    var context = await _listener.GetContextAsync();
                    _hooks.Enqueue(await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.InputStream));
                    context.Response.StatusCode = 204;
                    context.Response.Close();
                }
                catch (HttpListenerException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
            }
        });
    }

    public async Task DisposeAsync()
    {
        _listener.Close();
        await _server.DisposeAsync();
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task SendAsync(string endpoint, bool shifted, int seed)
    {
        var random = new Random(seed);
        string[] plans = ["basic", "plus", "pro"];
        var rows = Enumerable.Range(0, 200).Select(_ => shifted ? (60 + random.Next(12), "pro") : (random.Next(72), plans[random.Next(3)]))
            .Select(r => new Dictionary<string, object?> { ["tenure"] = r.Item1, ["plan"] = r.Item2 }).ToList();
        await _server.Client.Endpoints.PredictAsync(endpoint, rows);
    }

    /// <summary>Moves the clock until the monitor has stored <paramref name="windows"/> windows (policies are evaluated right after each check).</summary>
    private async Task TickUntilAsync(string endpoint, int windows)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await _server.Client.Endpoints.ListDriftWindowsAsync(endpoint)).Items.Count < windows && !timeout.IsCancellationRequested)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(50);
        }
        // One more tick: the policies see the newest window.
        _time.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(200);
    }

    [Fact]
    public async Task DriftFiresThePolicy_WhichStartsTheRetraining_AndCallsTheWebhook_ThenCoolsDown()
    {
        var model = await ServingModels.TrainChurnAsync(_server);
        var endpoint = await ServingModels.CreateEndpointAsync(_server, model + "/1");
        await _server.Client.Endpoints.SetMonitorAsync(endpoint, new MonitorSettings(WindowPredictions: 200, AlarmAfter: 1));
        var pipeline = Unique.Name("retrain");
        await _server.Client.Pipelines.SaveAsync($"name: {pipeline}\nsteps:\n  - {{id: a, uses: command, with: {{run: 'true'}}}}\n");
        var policy = Unique.Name("decay");
        var applied = await _server.Client.Policies.ApplyAsync($$$"""
            name: {{{policy}}}
            endpoint: {{{endpoint}}}
            when:
              - dataset_drift: true
              - {no_traffic: 86400}
            then:
              - {run_pipeline: {{{pipeline}}}}
              - {webhook: "{{{_hook}}}", retries: 0}
            cooldown_seconds: 3600
            """);
        Assert.Equal(["dataset_drift", "no_traffic"], applied.Definition.Conditions.Select(c => c.Kind));

        await SendAsync(endpoint, shifted: false, seed: 1);
        await TickUntilAsync(endpoint, 1);
        Assert.Empty((await _server.Client.Policies.FiringsAsync(policy)).Items);

        await SendAsync(endpoint, shifted: true, seed: 2);
        await TickUntilAsync(endpoint, 2);
        var firing = await DeliveredAsync(policy);
        var evidence = Assert.Single(firing.Evidence);
        Assert.StartsWith("drift alarm at window ", evidence, StringComparison.Ordinal);
        Assert.Contains("2 of 2 features drifted (tenure, plan)", evidence, StringComparison.Ordinal);
        Assert.All(firing.Actions, a => Assert.True(a.Ok, a.Detail));
        var run = (await _server.Client.Pipelines.ListRunsAsync(pipeline)).Items.Single();
        Assert.Equal(TriggerTypes.Alert, run.Trigger.Type);
        Assert.StartsWith($"policy {policy}: drift alarm at window", run.Trigger.Detail, StringComparison.Ordinal);
        var windows = await _server.Client.Endpoints.ListDriftWindowsAsync(endpoint);
        Assert.Equal(windows.Items[0].Id, run.Trigger.Drift!.Window);
        Assert.Equal(windows.Items[0].Start, run.Trigger.Drift.Start);
        Assert.Equal(["tenure", "plan"], run.Trigger.Drift.Columns);
        var hook = Assert.Single(_hooks);
        Assert.Equal(policy, hook.GetProperty("policy").GetString());
        Assert.Equal(evidence, hook.GetProperty("evidence")[0].GetString());

        // Drift again within the hour: the cool-down holds it back, and the window is not saved up for later.
        await SendAsync(endpoint, shifted: true, seed: 3);
        await TickUntilAsync(endpoint, 3);
        Assert.Single((await _server.Client.Policies.FiringsAsync(policy)).Items);

        // After the cool-down, new evidence fires it again.
        _time.Advance(TimeSpan.FromHours(1));
        await SendAsync(endpoint, shifted: true, seed: 4);
        await TickUntilAsync(endpoint, 4);
        Assert.Equal(2, (await _server.Client.Policies.FiringsAsync(policy)).Items.Count);
    }

    [Fact]
    public async Task ErrorRate_FiresOnTheGatewaysOwnCounts_OverItsWindow()
    {
        var model = await ServingModels.TrainChurnAsync(_server);
        var endpoint = await ServingModels.CreateEndpointAsync(_server, model + "/1");
        var policy = Unique.Name("errors");
        await _server.Client.Policies.ApplyAsync($$$"""
            name: {{{policy}}}
            endpoint: {{{endpoint}}}
            when:
              - {error_rate: 0.2, seconds: 60}
            then:
              - {webhook: "{{{_hook}}}", retries: 0}
            """);
        await SendAsync(endpoint, shifted: false, seed: 1);
        _time.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(200);
        Assert.Empty((await _server.Client.Policies.FiringsAsync(policy)).Items);

        // Requests the model's signature refuses count against the variant they were routed to.
        for (var i = 0; i < 3; i++)
        {
            var refused = await _server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances = new[] { new { tenure = "long", plan = "pro" } } });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        _time.Advance(TimeSpan.FromSeconds(5));
        var firing = await DeliveredAsync(policy);
        Assert.Equal("error rate 75.0 % over 4 requests is above 0.2", Assert.Single(firing.Evidence)); // 3 of the 4 requests since the start

        // Past the window, the failures are behind it: a policy saved now sees nothing to fire on.
        _time.Advance(TimeSpan.FromSeconds(90));
        var later = Unique.Name("errors");
        await _server.Client.Policies.ApplyAsync($"name: {later}\nendpoint: {endpoint}\nwhen:\n  - {{error_rate: 0.2, seconds: 60}}\nthen:\n  - {{webhook: \"{_hook}\"}}\n");
        _time.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(300);
        Assert.Empty((await _server.Client.Policies.FiringsAsync(later)).Items);

        var tooLong = await _server.Http.PostAsJsonAsync("/api/v1/policies", new { yaml = $"name: p\nendpoint: {endpoint}\nwhen:\n  - {{error_rate: 0.1, seconds: 7200}}\nthen: [rollback]\n" });
        var detail = await ProblemAssert.IsAsync(tooLong, HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Contains("line 4: when.seconds: an error_rate looks back more than 0 and at most 1800 s (the traffic a server keeps), got 7200", detail, StringComparison.Ordinal);
    }

    /// <summary>The policy's only firing once its webhooks were delivered (they go out after the firing is recorded).</summary>
    private async Task<Core.Monitoring.Policies.PolicyFiring> DeliveredAsync(string policy)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var firing = Assert.Single((await _server.Client.Policies.FiringsAsync(policy)).Items);
            if (firing.Actions.All(a => !a.Pending) || timeout.IsCancellationRequested)
            {
                return firing;
            }
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task BadPolicyFile_IsRefusedWithItsLines()
    {
        var model = await ServingModels.TrainChurnAsync(_server);
        var endpoint = await ServingModels.CreateEndpointAsync(_server, model + "/1");
        var response = await _server.Http.PostAsJsonAsync("/api/v1/policies", new
        {
            yaml = $"name: p\nendpoint: {endpoint}\nwhen:\n  - {{metric: auc, below: 0.8}}\n  - {{weather: rainy}}\nthen:\n  - {{webhook: 'ftp://x'}}\ncooldown_seconds: -1\n",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await TestServer.JsonAsync(response)).GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("line 8: cooldown_seconds: expected 0 to 2592000, got '-1'", errors);
        Assert.Contains("line 4: when.metric: expected accuracy or rmse, got 'auc'", errors);
        Assert.Contains(errors, e => e!.StartsWith("line 5: when: unknown condition", StringComparison.Ordinal));
        Assert.Contains("line 7: then.webhook: expected an http or https URL, got 'ftp://x'", errors);
        var unknown = await _server.Http.PostAsJsonAsync("/api/v1/policies", new { yaml = "name: q\nendpoint: nowhere\nwhen: [dataset_drift: true]\nthen: [rollback]\n" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
