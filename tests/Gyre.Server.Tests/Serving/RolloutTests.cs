using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Server.Tests.Api;
using Microsoft.Extensions.Time.Testing;

namespace Gyre.Server.Tests.Serving;

/// <summary>Rollouts driven end to end through HTTP, on a server whose clock the test moves: no sleeping through bake times.</summary>
public sealed class RolloutTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-28T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private TestServer _server = null!;
    private string _model = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(time: _time);
        _model = await ServingModels.TrainChurnAsync(_server);
        await ServingModels.TrainChurnAsync(_server, register: _model, seed: 8);
        await _server.Client.Models.SetAliasAsync(_model, "champion", 1);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private HttpClient Http => _server.Http;

    private async Task<JsonElement> StartAsync(string endpoint, object request, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await Http.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/rollouts", request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private async Task<JsonElement> RolloutAsync(string endpoint, long id) =>
        await TestServer.JsonAsync(await Http.GetAsync($"/api/v1/endpoints/{endpoint}/rollouts/{id}"));

    /// <summary>
    /// The endpoint's weights once they read <paramref name="expected"/>, or what they read after a
    /// bounded wait. The controller records a rollout's state first and then applies it to the
    /// endpoint, so right after the record changes the endpoint may still be a moment behind.
    /// </summary>
    private async Task<string> WeightsAsync(string endpoint, string expected)
    {
        var clock = Stopwatch.StartNew();
        var weights = await WeightsAsync(endpoint);
        while (weights != expected && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
            weights = await WeightsAsync(endpoint);
        }
        return weights;
    }

    private async Task<string> WeightsAsync(string endpoint)
    {
        var status = await TestServer.JsonAsync(await Http.GetAsync($"/api/v1/endpoints/{endpoint}"));
        return string.Join(" ", status.GetProperty("endpoint").GetProperty("variants").EnumerateArray()
            .Select(v => $"v{v.GetProperty("model_version").GetInt64()}:{v.GetProperty("weight").GetInt32()}{(v.GetProperty("role").GetString() == "shadow" ? "s" : "")}"));
    }

    /// <summary>Moves the clock and waits (bounded, in real time) until the controller has acted on it.</summary>
    private async Task<JsonElement> AdvanceUntilAsync(string endpoint, long id, TimeSpan by, Func<JsonElement, bool> done)
    {
        _time.Advance(by);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var rollout = await RolloutAsync(endpoint, id);
            if (done(rollout))
            {
                return rollout;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the controller did not act: {rollout}");
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }
    }

    private async Task<List<string>> TrafficAsync(string endpoint, int requests, string? routingKey = null)
    {
        var variants = new List<string>();
        for (var i = 0; i < requests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/endpoints/{endpoint}/predict")
            {
                Content = JsonContent.Create(new { instances = new[] { new { tenure = i % 72, plan = (i % 3) switch { 0 => "basic", 1 => "plus", _ => "pro" } } } }),
            };
            if (routingKey is not null)
            {
                request.Headers.Add("X-Gyre-Routing-Key", routingKey);
            }
            var response = await Http.SendAsync(request);
            var body = await TestServer.JsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
            variants.Add(body.GetProperty("model").GetString()!);
        }
        return variants;
    }

    [Fact]
    public async Task ACanary_StepsUpWithPassingAnalyses_AndMovesTheAliasWhenItSucceeds()
    {
        var endpoint = await ServingModels.CreateEndpointAsync(_server, $"{_model}@champion");
        var started = await StartAsync(endpoint, new { model = $"{_model}/2", strategy = "canary", steps = new[] { 30, 100 }, bake_seconds = 60, min_requests = 10 });
        var id = started.GetProperty("id").GetInt64();
        Assert.Equal(("running", 0), (started.GetProperty("state").GetString(), started.GetProperty("step").GetInt32()));
        Assert.Equal("v1:70 v2:30", await WeightsAsync(endpoint, "v1:70 v2:30"));

        var answered = await TrafficAsync(endpoint, 120);
        Assert.InRange(answered.Count(m => m == $"{_model}/2"), 15, 60);

        var stepped = await AdvanceUntilAsync(endpoint, id, TimeSpan.FromSeconds(61), r => r.GetProperty("step").GetInt32() == 1);
        Assert.Equal("running", stepped.GetProperty("state").GetString());
        Assert.Equal("v1:0 v2:100", await WeightsAsync(endpoint, "v1:0 v2:100"));
        var analysis = stepped.GetProperty("analyses")[0];
        Assert.Equal("pass", analysis.GetProperty("verdict").GetString());
        Assert.True(analysis.GetProperty("candidate").GetProperty("requests").GetInt64() >= 10);

        Assert.All(await TrafficAsync(endpoint, 20), m => Assert.Equal($"{_model}/2", m));
        var done = await AdvanceUntilAsync(endpoint, id, TimeSpan.FromSeconds(61), r => r.GetProperty("state").GetString() != "running");
        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        Assert.Equal("v2:100", await WeightsAsync(endpoint, "v2:100"));
        Assert.Equal(2, (await _server.Client.Models.GetByAliasAsync(_model, "champion")).Version);
        var reasons = done.GetProperty("transitions").EnumerateArray().Select(t => t.GetProperty("reason").GetString()!).ToList();
        Assert.Equal(3, reasons.Count);
        Assert.StartsWith("canary", reasons[0], StringComparison.Ordinal);
        Assert.StartsWith("analysis at 30% passed", reasons[1], StringComparison.Ordinal);
        Assert.StartsWith("analysis at 100% passed", reasons[2], StringComparison.Ordinal);

        // The endpoint follows the alias: a new rollout with no model takes what champion points at, here nothing new.
        await StartAsync(endpoint, new { strategy = "canary" }, HttpStatusCode.Conflict);
    }

    private static List<string> Reasons(JsonElement rollout) =>
        [.. rollout.GetProperty("transitions").EnumerateArray().Select(t => t.GetProperty("reason").GetString()!)];

    [Fact]
    public async Task ACanaryStep_WithoutTheStablesMinimumSample_IsExtended_ThenFailsForWantOfEvidence()
    {
        var endpoint = await ServingModels.CreateEndpointAsync(_server, $"{_model}/1");
        var id = (await StartAsync(endpoint, new { model = $"{_model}/2", steps = new[] { 90, 100 }, bake_seconds = 60, min_requests = 10, min_stable_requests = 10, max_extensions = 2 }))
            .GetProperty("id").GetInt64();
        await TrafficAsync(endpoint, 20); // about 18 for the canary, 2 for the stable: not enough to compare with

        var extended = await AdvanceUntilAsync(endpoint, id, TimeSpan.FromSeconds(61), r => r.GetProperty("extensions").GetInt32() == 1);
        Assert.Equal(("running", 0), (extended.GetProperty("state").GetString(), extended.GetProperty("step").GetInt32()));
        Assert.Matches(@"^analysis at 90% inconclusive \(the stable variant had \d requests in this step; the analysis needs 10\); the step bakes 60 s more \(extension 1 of 2\)$", Reasons(extended)[^1]);
        Assert.Equal("inconclusive", extended.GetProperty("analyses")[0].GetProperty("verdict").GetString());
        await AdvanceUntilAsync(endpoint, id, TimeSpan.FromSeconds(60), r => r.GetProperty("extensions").GetInt32() == 2);

        var failed = await AdvanceUntilAsync(endpoint, id, TimeSpan.FromSeconds(60), r => r.GetProperty("state").GetString() != "running");
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Matches(@"^analysis at 90% inconclusive after 2 extension\(s\): the stable variant had \d requests in this step; the analysis needs 10; failed for want of evidence \(on_inconclusive: fail\)$", Reasons(failed)[^1]);
        Assert.Equal("v1:100", await WeightsAsync(endpoint, "v1:100"));
    }

    [Fact]
    public async Task ACanaryStep_WhoseEvidenceArrivesDuringAnExtension_Passes()
    {
        var endpoint = await ServingModels.CreateEndpointAsync(_server, $"{_model}/1");
        var id = (await StartAsync(endpoint, new { model = $"{_model}/2", steps = new[] { 90, 100 }, bake_seconds = 60, min_requests = 10, min_stable_requests = 10 }))
            .GetProperty("id").GetInt64();
        await TrafficAsync(endpoint, 20);
        await AdvanceUntilAsync(endpoint, id, TimeSpan.FromSeconds(61), r => r.GetProperty("extensions").GetInt32() == 1);
        await TrafficAsync(endpoint, 250); // the stable's tenth share reaches its sample
        var stepped = await AdvanceUntilAsync(endpoint, id, TimeSpan.FromSeconds(60), r => r.GetProperty("step").GetInt32() == 1);
        Assert.Matches(@"^analysis at 90% passed \(the canary is no worse than the stable on \d+ canary and \d+ stable requests\); canary to 100%$", Reasons(stepped)[^1]);
        Assert.Equal(0, stepped.GetProperty("extensions").GetInt32());

        // At 100% the stable takes nothing: the step before measured it, and stands in.
        await TrafficAsync(endpoint, 20);
        var done = await AdvanceUntilAsync(endpoint, id, TimeSpan.FromSeconds(61), r => r.GetProperty("state").GetString() != "running");
        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        Assert.Contains("stable's", Reasons(done)[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnInconclusivePass_MovesOnWithoutEvidence_AndSaysSoInTheRecord()
    {
        var endpoint = await ServingModels.CreateEndpointAsync(_server, $"{_model}/1");
        var id = (await StartAsync(endpoint, new
        {
            model = $"{_model}/2", steps = new[] { 90, 100 }, bake_seconds = 60, min_requests = 10, min_stable_requests = 10, max_extensions = 0, on_inconclusive = "pass",
        })).GetProperty("id").GetInt64();
        await TrafficAsync(endpoint, 20);
        var stepped = await AdvanceUntilAsync(endpoint, id, TimeSpan.FromSeconds(61), r => r.GetProperty("step").GetInt32() == 1);
        Assert.EndsWith("passed WITHOUT EVIDENCE (on_inconclusive: pass); canary to 100%", Reasons(stepped)[^1], StringComparison.Ordinal);
        await TrafficAsync(endpoint, 20);
        var done = await AdvanceUntilAsync(endpoint, id, TimeSpan.FromSeconds(61), r => r.GetProperty("state").GetString() != "running");
        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        Assert.Contains("no earlier step measured it", Reasons(done)[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadInconclusiveSetting_IsA400()
    {
        var endpoint = await ServingModels.CreateEndpointAsync(_server, $"{_model}/1");
        var response = await Http.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/rollouts", new { model = $"{_model}/2", on_inconclusive = "shrug", max_extensions = -1 });
        var detail = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Contains("on_inconclusive: expected fail or pass, got 'shrug'", detail, StringComparison.Ordinal);
        Assert.Contains("max_extensions: expected a number from 0 to 100, got -1", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACanaryThatFails_SendsAllTrafficBackToStable()
    {
        // The candidate needs a column that live traffic never carries: every request routed to it fails.
        var broken = await ServingModels.TrainChurnAsync(_server, withRegion: true);
        var endpoint = await ServingModels.CreateEndpointAsync(_server, $"{_model}/1");
        var id = (await StartAsync(endpoint, new { model = $"{broken}/1", steps = new[] { 50, 100 }, bake_seconds = 30, min_requests = 5 })).GetProperty("id").GetInt64();
        var failures = 0;
        for (var i = 0; i < 60; i++)
        {
            var response = await Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances = new[] { new { tenure = i, plan = "basic" } } });
            failures += response.StatusCode == HttpStatusCode.BadRequest ? 1 : 0;
        }
        Assert.InRange(failures, 5, 55);

        var failed = await AdvanceUntilAsync(endpoint, id, TimeSpan.FromSeconds(31), r => r.GetProperty("state").GetString() != "running");
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Contains("error rate 100% against the stable's 0%", failed.GetProperty("transitions")[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("v1:100", await WeightsAsync(endpoint, "v1:100"));
        Assert.All(await TrafficAsync(endpoint, 10), m => Assert.Equal($"{_model}/1", m));
    }

    [Fact]
    public async Task ACanaryWorseOnFeedback_FailsOnItsOnlineAccuracy()
    {
        // A candidate trained on inverted labels: it answers every request, and is wrong.
        var inverted = await ServingModels.TrainChurnAsync(_server, inverted: true);
        var endpoint = await ServingModels.CreateEndpointAsync(_server, $"{_model}/1");
        var id = (await StartAsync(endpoint, new { model = $"{inverted}/1", steps = new[] { 50, 100 }, bake_seconds = 30, min_requests = 5, min_labelled = 10 }))
            .GetProperty("id").GetInt64();
        var feedback = new List<object>();
        for (var i = 0; i < 80; i++)
        {
            var (tenure, plan) = (i % 72, (i % 3) switch { 0 => "basic", 1 => "plus", _ => "pro" });
            var response = await TestServer.JsonAsync(await Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances = new[] { new { tenure, plan } } }));
            feedback.Add(new { prediction_id = response.GetProperty("prediction_ids")[0].GetString(), actual = ServingModels.Churns(tenure, plan) ? "left" : "stayed" });
        }
        var accepted = await TestServer.JsonAsync(await Http.PostAsJsonAsync($"/endpoints/{endpoint}/feedback", feedback));
        Assert.Equal(80, accepted.GetProperty("accepted").GetInt32());

        var online = await TestServer.JsonAsync(await Http.GetAsync($"/api/v1/endpoints/{endpoint}/online-metrics"));
        var byVariant = online.GetProperty("variants").EnumerateArray().ToDictionary(v => v.GetProperty("variant").GetString()!);
        Assert.Equal(80, byVariant.Values.Sum(v => v.GetProperty("labelled").GetInt32()));
        Assert.InRange(byVariant[$"{_model}-v1"].GetProperty("value").GetDouble(), 0.8, 1.0);
        Assert.InRange(byVariant[$"{inverted}-v1"].GetProperty("value").GetDouble(), 0.0, 0.2);
        Assert.Equal("accuracy", byVariant[$"{_model}-v1"].GetProperty("metric").GetString());

        var failed = await AdvanceUntilAsync(endpoint, id, TimeSpan.FromSeconds(31), r => r.GetProperty("state").GetString() != "running");
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        var reason = failed.GetProperty("transitions")[1].GetProperty("reason").GetString()!;
        Assert.Contains("online accuracy", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("error rate", reason, StringComparison.Ordinal);
        Assert.Equal("v1:100", await WeightsAsync(endpoint, "v1:100"));
    }

    [Fact]
    public async Task BlueGreen_SwitchesAtOnceUnderLoadWithoutAFailedRequest_AndRollsBackInstantly()
    {
        var endpoint = await ServingModels.CreateEndpointAsync(_server, $"{_model}/1");
        var failures = new ConcurrentBag<string>();
        var seen = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances = new[] { new { tenure = c, plan = "pro" } } });
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add(body);
                }
                else
                {
                    seen.AddOrUpdate(JsonDocument.Parse(body).RootElement.GetProperty("model").GetString()!, 1, (_, n) => n + 1);
                }
            }
        })).ToList();
        await Task.Delay(300);
        var rollout = await StartAsync(endpoint, new { model = $"{_model}/2", strategy = "blue_green", retention_seconds = 600 });
        await Task.Delay(300);
        var rolledBack = await TestServer.JsonAsync(await Http.PostAsync($"/api/v1/endpoints/{endpoint}/rollouts/{rollout.GetProperty("id").GetInt64()}/abort", NoBody.Json()));
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Empty(failures);
        Assert.True(seen.ContainsKey($"{_model}/1") && seen.ContainsKey($"{_model}/2"), string.Join(", ", seen));
        Assert.Equal("aborted", rolledBack.GetProperty("state").GetString());
        Assert.Equal("v1:100", await WeightsAsync(endpoint, "v1:100"));

        // Again, left alone: when the retention is over, blue is unloaded and green stays.
        var second = await StartAsync(endpoint, new { model = $"{_model}/2", strategy = "blue_green", retention_seconds = 120 });
        Assert.Equal("v2:100 v1:0", await WeightsAsync(endpoint, "v2:100 v1:0"));
        var done = await AdvanceUntilAsync(endpoint, second.GetProperty("id").GetInt64(), TimeSpan.FromSeconds(121), r => r.GetProperty("state").GetString() != "running");
        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        Assert.Equal("v2:100", await WeightsAsync(endpoint, "v2:100"));
        Assert.Equal($"{_model}/2", (await TestServer.JsonAsync(await Http.GetAsync($"/api/v1/endpoints/{endpoint}"))).GetProperty("endpoint").GetProperty("model").GetString());
    }

    [Fact]
    public async Task AShadow_IsComparedAndLoggedButNeverAnswers_AndAFailingShadowHurtsNoOne()
    {
        var endpoint = await ServingModels.CreateEndpointAsync(_server, $"{_model}/1");
        var id = (await StartAsync(endpoint, new { model = $"{_model}/2", strategy = "shadow", shadow_percent = 100, duration_seconds = 60 })).GetProperty("id").GetInt64();
        Assert.Equal("v1:100 v2:100s", await WeightsAsync(endpoint, "v1:100 v2:100s"));
        Assert.All(await TrafficAsync(endpoint, 30), m => Assert.Equal($"{_model}/1", m));

        var clock = Stopwatch.StartNew();
        List<JsonElement> shadowed;
        do
        {
            var page = await TestServer.JsonAsync(await Http.GetAsync($"/api/v1/endpoints/{endpoint}/predictions"));
            shadowed = [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("prediction")).Where(p => p.GetProperty("routing").GetString() == "shadow")];
        }
        while (shadowed.Count < 30 && clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(30, shadowed.Count);
        Assert.All(shadowed, p => Assert.Equal(2, p.GetProperty("model_version").GetInt64()));
        var metrics = await Http.GetStringAsync("/metrics");
        Assert.Contains($"gyre_shadow_comparisons{{endpoint=\"{endpoint}\",variant=\"{_model}-v2\",outcome=\"agree\"}}", metrics, StringComparison.Ordinal);

        var done = await AdvanceUntilAsync(endpoint, id, TimeSpan.FromSeconds(61), r => r.GetProperty("state").GetString() != "running");
        Assert.Equal("completed", done.GetProperty("state").GetString());
        Assert.Contains("30 rows compared", done.GetProperty("transitions")[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("v1:100", await WeightsAsync(endpoint, "v1:100"));

        // A shadow that throws on every copy: the primary answers every request all the same.
        var broken = await ServingModels.TrainChurnAsync(_server, withRegion: true);
        var second = (await StartAsync(endpoint, new { model = $"{broken}/1", strategy = "shadow", duration_seconds = 30 })).GetProperty("id").GetInt64();
        Assert.All(await TrafficAsync(endpoint, 20), m => Assert.Equal($"{_model}/1", m));
        await Task.Delay(300);
        var ended = await AdvanceUntilAsync(endpoint, second, TimeSpan.FromSeconds(31), r => r.GetProperty("state").GetString() != "running");
        Assert.Contains("0 rows compared, 0 agreed with the primary, 20 failed", ended.GetProperty("transitions")[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AShadowThatCannotKeepUp_LosesCopiesNotRequests()
    {
        // A queue of one copy and requests of 5,000 rows each: the shadow answers one copy while the
        // primary answers many; the copies that find the queue full are dropped and counted.
        await using var server = await TestServer.StartAsync(o => o with { Gateway = new Core.Serving.Gateway.GatewayOptions { ShadowQueueCapacity = 1 } }, time: _time);
        var model = await ServingModels.TrainChurnAsync(server);
        await ServingModels.TrainChurnAsync(server, register: model, seed: 8);
        var endpoint = await ServingModels.CreateEndpointAsync(server, $"{model}/1", "fast");
        var started = await server.Http.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/rollouts", new { model = $"{model}/2", strategy = "shadow" });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var rows = Enumerable.Range(0, 5000).Select(i => new { tenure = i % 72, plan = "basic" }).ToArray();
        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances = rows })));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        foreach (var answer in answers)
        {
            Assert.Equal($"{model}/1", (await TestServer.JsonAsync(answer)).GetProperty("model").GetString());
        }
        var metrics = await server.Http.GetStringAsync("/metrics");
        Assert.InRange(PrometheusText.Sum(metrics, "gyre_shadow_dropped "), 1, 23);
    }

    [Fact]
    public async Task ASlowShadow_NeverSlowsThePrimary()
    {
        // A shadow queue of two copies, a primary that answers in about a millisecond, and a
        // candidate that takes about a tenth of a second a row (real ONNX work, not a sleep).
        await using var server = await TestServer.StartAsync(o => o with { Gateway = new Core.Serving.Gateway.GatewayOptions { ShadowQueueCapacity = 2 } }, time: _time);
        var primary = await ServingModels.ImportBreastCancerAsync(server);
        var slow = await SlowOnnxModel.ImportAsync(server);
        var features = ServingModels.BreastCancerFeatures();
        var instance = features.Zip(ServingModels.BreastCancerRows()[0]).ToDictionary(p => p.First, p => p.Second);

        async Task<TimeSpan> TimedAsync(string endpoint, string model)
        {
            var clock = Stopwatch.StartNew();
            var answer = await server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances = new[] { instance } });
            var elapsed = clock.Elapsed;
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal(model, (await TestServer.JsonAsync(answer)).GetProperty("model").GetString());
            return elapsed;
        }

        // The candidate on its own, for scale.
        var slowEndpoint = await ServingModels.CreateEndpointAsync(server, $"{slow}/1", "fast");
        var alone = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            alone.Add(await TimedAsync(slowEndpoint, $"{slow}/1"));
        }

        var endpoint = await ServingModels.CreateEndpointAsync(server, $"{primary}/1", "fast");
        var started = await server.Http.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/rollouts", new { model = $"{slow}/1", strategy = "shadow", shadow_percent = 100 });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var primaryTimes = new List<TimeSpan>();
        for (var i = 0; i < 40; i++)
        {
            primaryTimes.Add(await TimedAsync(endpoint, $"{primary}/1"));
        }

        var slowest = alone.Min();
        var median = primaryTimes.Order().ElementAt(primaryTimes.Count / 2);
        Assert.True(slowest > TimeSpan.FromMilliseconds(20), $"the slow model answered one row in {slowest.TotalMilliseconds:0} ms");
        Assert.True(median * 5 < slowest, $"primary median {median.TotalMilliseconds:0.0} ms beside a shadow of {slowest.TotalMilliseconds:0} ms a copy");
        Assert.True(primaryTimes.Sum(t => t.TotalMilliseconds) < slowest.TotalMilliseconds * 40 / 2,
            $"40 primary answers took {primaryTimes.Sum(t => t.TotalMilliseconds):0} ms, the shadow {slowest.TotalMilliseconds:0} ms a copy");

        // The shadow fell behind: copies were dropped, and the ones it took were answered and compared.
        var compared = $"gyre_shadow_comparisons{{endpoint=\"{endpoint}\",variant=\"{slow}-v1\"";
        var metrics = await server.Http.GetStringAsync("/metrics");
        Assert.InRange(PrometheusText.Sum(metrics, "gyre_shadow_dropped "), 1, 39);
        var clock = Stopwatch.StartNew();
        while (PrometheusText.Sum(metrics, compared) < 1 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
            metrics = await server.Http.GetStringAsync("/metrics");
        }
        Assert.InRange(PrometheusText.Sum(metrics, compared), 1, 39);
    }

    [Fact]
    public async Task AnABTest_KeepsEachRoutingKeyOnOneVariant_UntilPromoted()
    {
        var endpoint = await ServingModels.CreateEndpointAsync(_server, $"{_model}@champion");
        var id = (await StartAsync(endpoint, new { model = $"{_model}/2", strategy = "ab", candidate_weight = 50 })).GetProperty("id").GetInt64();
        var byKey = new Dictionary<string, HashSet<string>>();
        foreach (var key in Enumerable.Range(0, 12).Select(k => $"customer-{k}"))
        {
            byKey[key] = [.. await TrafficAsync(endpoint, 5, key)];
        }
        Assert.All(byKey.Values, variants => Assert.Single(variants));
        Assert.Equal(2, byKey.Values.Select(v => v.Single()).Distinct().Count());

        var promoted = await TestServer.JsonAsync(await Http.PostAsync($"/api/v1/endpoints/{endpoint}/rollouts/{id}/promote", NoBody.Json()));
        Assert.Equal("succeeded", promoted.GetProperty("state").GetString());
        Assert.Equal("v2:100", await WeightsAsync(endpoint, "v2:100"));
        Assert.Equal(2, (await _server.Client.Models.GetByAliasAsync(_model, "champion")).Version);
        await ProblemAssert.IsAsync(await Http.PostAsync($"/api/v1/endpoints/{endpoint}/rollouts/{id}/abort", NoBody.Json()), HttpStatusCode.Conflict, "conflict", "is succeeded");
    }

    [Fact]
    public async Task BadRolloutRequests_NameTheirFields()
    {
        var endpoint = await ServingModels.CreateEndpointAsync(_server, $"{_model}/1");
        var bad = await Http.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/rollouts", new { model = $"{_model}/2", strategy = "big_bang", steps = new[] { 50, 20 }, bake_seconds = -1 });
        var detail = await ProblemAssert.IsAsync(bad, HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Contains("strategy: expected one of blue_green, canary, shadow, ab, got 'big_bang'", detail, StringComparison.Ordinal);
        Assert.Contains("steps: expected rising percentages from 1 to 100 that end at 100, got [50, 20]", detail, StringComparison.Ordinal);
        Assert.Contains("bake_seconds: expected a number from 0 to 604800, got -1", detail, StringComparison.Ordinal);
        await ProblemAssert.IsAsync(await Http.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/rollouts", new { model = $"{_model}/1" }), HttpStatusCode.Conflict, "conflict", "already serves");
        await ProblemAssert.IsAsync(await Http.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/rollouts", new { model = $"{_model}/9" }), HttpStatusCode.NotFound, "not_found");

        await StartAsync(endpoint, new { model = $"{_model}/2", bake_seconds = 600 });
        await ProblemAssert.IsAsync(await Http.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/rollouts", new { model = $"{_model}/2" }), HttpStatusCode.Conflict, "conflict", "running");
        await ProblemAssert.IsAsync(await Http.DeleteAsync($"/api/v1/endpoints/{endpoint}"), HttpStatusCode.Conflict, "conflict", "abort or promote it first");
    }
}
