using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Gyre.Core.Json;
using Gyre.Core.Monitoring.Bias;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Server.Tests.Serving;

namespace Gyre.Server.Tests.Monitoring;

/// <summary>
/// Post-training bias per monitor window, through HTTP: a model that never saw the sensitive input
/// still treats its groups differently when their inputs differ; each window's bias fills in as its
/// late labels arrive, and equals Clarify's formulas computed here from the answers and the labels.
/// </summary>
public sealed class OnlineBiasTests : ClockedMonitorTests
{
    private const int WindowRows = 600;

    private async Task<string> TrainAsync()
    {
        var random = new Random(31);
        var csv = new StringBuilder("x,group,y\n");
        for (var i = 0; i < 5000; i++)
        {
            var x = Normal(random, 2);
            csv.Append(CultureInfo.InvariantCulture, $"{x:F4},{(random.NextDouble() < 0.7 ? "a" : "b")},{(Outcome(x, random) ? "true" : "false")}\n");
        }
        return await TrainBinaryAsync("lending", csv.ToString(), "columns:\n  group: {role: sensitive}\n  y: {role: label}\n",
            new() { ["num_leaves"] = 4, ["min_data_per_leaf"] = 100, ["num_iterations"] = 30 });
    }

    [Fact]
    public async Task WindowBias_FillsInWithTheLabels_AndEqualsClarifysFormulas()
    {
        var model = await TrainAsync();
        var endpoint = await ServingModels.CreateEndpointAsync(Server, model + "/1");
        await Server.Client.Endpoints.SetMonitorAsync(endpoint, new MonitorSettings(WindowPredictions: WindowRows));

        // Two windows; group b's x runs lower, so the model (which never saw the group) says true for it less often.
        var random = new Random(8);
        var rows = new List<(string Id, string Group, string Predicted, bool Actual)>();
        for (var w = 0; w < 2; w++)
        {
            var draws = Enumerable.Range(0, WindowRows).Select(_ => random.NextDouble() < 0.6 ? ("a", Normal(random, 1.5) + 0.5) : ("b", Normal(random, 1.5) - 0.7)).ToList();
            var answered = await Server.Client.Endpoints.PredictAsync(endpoint, [.. draws.Select(d => new Dictionary<string, object?> { ["x"] = d.Item2, ["group"] = d.Item1 })]);
            rows.AddRange(answered.Predictions.Select((p, i) => (answered.PredictionIds[i], draws[i].Item1, p.GetProperty("label").GetString()!, Outcome(draws[i].Item2, random))));
            Time.Advance(TimeSpan.FromMilliseconds(10));
        }
        var windows = await WindowsAsync(endpoint, 2);
        Assert.Equal(2, windows.Count);

        // Before any label: no bias yet, and why.
        var before = (await Server.Client.Endpoints.ListBiasAsync(endpoint)).Items;
        Assert.Equal([windows[1].Id, windows[0].Id], before.Select(b => b.Window));
        Assert.All(before, b => Assert.Equal((0L, null, "no labelled prediction yet"), (b.Labelled, b.Report, b.Missing)));

        // The first window's labels arrive (all of them), the second's not yet.
        var first = rows.Take(WindowRows).ToList();
        await Server.Client.Endpoints.FeedbackAsync(endpoint, first.Select(r => (r.Id, (object)(r.Actual ? "true" : "false"))));
        var after = (await Server.Client.Endpoints.ListBiasAsync(endpoint)).Items;
        Assert.Equal("no labelled prediction yet", after[0].Missing);
        var report = after[1].Report!;
        Assert.Equal(("group", "y", "true", (long)WindowRows), (report.Sensitive, report.Label, report.Favourable, after[1].Labelled));
        foreach (var facet in report.Facets)
        {
            // Clarify's definitions written out over the rows: facet d is the group, facet a the others.
            var d = first.Where(r => r.Group == facet.Facet).ToList();
            var a = first.Where(r => r.Group != facet.Facet).ToList();
            static double Said(List<(string Id, string Group, string Predicted, bool Actual)> set) => set.Count(r => r.Predicted == "true") / (double)set.Count;
            static double Recall(List<(string Id, string Group, string Predicted, bool Actual)> set) => set.Count(r => r.Actual && r.Predicted == "true") / (double)set.Count(r => r.Actual);
            static double Accuracy(List<(string Id, string Group, string Predicted, bool Actual)> set) => set.Count(r => r.Actual == (r.Predicted == "true")) / (double)set.Count;
            static double Acceptance(List<(string Id, string Group, string Predicted, bool Actual)> set) => set.Count(r => r.Actual) / (double)set.Count(r => r.Predicted == "true");
            static double Treatment(List<(string Id, string Group, string Predicted, bool Actual)> set) => set.Count(r => r.Actual && r.Predicted != "true") / (double)set.Count(r => !r.Actual && r.Predicted == "true");
            var bias = facet.Posttraining!;
            Assert.Equal(d.Count, facet.Rows);
            Assert.Equal(Said(a) - Said(d), bias.Dppl, 12);
            Assert.Equal(Said(d) / Said(a), bias.Di!.Value, 12);
            Assert.Equal(Acceptance(a) - Acceptance(d), bias.Dcacc!.Value, 12);
            Assert.Equal(Recall(a) - Recall(d), bias.Rd!.Value, 12);
            Assert.Equal(Accuracy(a) - Accuracy(d), bias.Ad, 12);
            Assert.Equal(Treatment(d) - Treatment(a), bias.Te!.Value, 12);
        }
        // Group b is predicted favourable far less often: a disparate impact that fails the four-fifths rule.
        var b = report.Facets.Single(f => f.Facet == "b");
        Assert.True(b.Posttraining!.Di < 0.8 && b.Posttraining.Dppl > 0.2, $"DI {b.Posttraining.Di}, DPPL {b.Posttraining.Dppl}");

        // The monitor's next tick exports the newest window with labels as gauges.
        Time.Advance(TimeSpan.FromSeconds(5));
        var gauge = string.Create(CultureInfo.InvariantCulture, $"gyre_online_bias{{endpoint=\"{endpoint}\",sensitive=\"group\",facet=\"b\",metric=\"disparate_impact\"}} {b.Posttraining.Di:R}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var metrics = "";
        while (!timeout.IsCancellationRequested && !(metrics = await Server.Http.GetStringAsync("/metrics")).Contains(gauge, StringComparison.Ordinal))
        {
            Time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(100);
        }
        Assert.Contains(gauge, metrics, StringComparison.Ordinal);
        Assert.Contains($"gyre_online_bias_labelled{{endpoint=\"{endpoint}\"}} {WindowRows}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadRequests_AreA400NamingTheField()
    {
        var model = await TrainAsync();
        var endpoint = await ServingModels.CreateEndpointAsync(Server, model + "/1");
        var refused = await Server.Http.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/monitor", new MonitorSettings(Bias: new BiasSettings("gender")), GyreJson.Options);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("bias.sensitive: 'gender' is not a column of the reference ", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await Server.Client.Endpoints.SetMonitorAsync(endpoint, new MonitorSettings(WindowPredictions: 10));
        await Server.Client.Endpoints.PredictAsync(endpoint, [.. Enumerable.Range(0, 10).Select(i => new Dictionary<string, object?> { ["x"] = i - 5.0, ["group"] = i % 2 == 0 ? "a" : "b" })]);
        await WindowsAsync(endpoint, 1);
        async Task<string> RefusedAsync(string query)
        {
            var response = await Server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/bias?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }
        Assert.Contains("sensitive: 'gender' is not a column of the reference", await RefusedAsync("sensitive=gender"), StringComparison.Ordinal);
        Assert.Contains("favourable: 'maybe' is not a value of 'y' in ", await RefusedAsync("favourable=maybe"), StringComparison.Ordinal);
        Assert.Contains("max_results: ", await RefusedAsync("max_results=0"), StringComparison.Ordinal);
    }
}
