using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Gyre.Core.Data;
using Gyre.Core.Json;
using Gyre.Core.Learning.Training;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Monitoring.Performance;
using Gyre.Server.Tests.Api;
using Gyre.Server.Tests.Serving;

namespace Gyre.Server.Tests.Monitoring;

/// <summary>
/// Performance estimated without labels (CBPE) on an endpoint's windows, through HTTP: a shift of the
/// inputs toward the decision boundary lowers the accuracy; the estimate, made when each window
/// closes and before any label, follows the realized accuracy that the late labels then show.
/// </summary>
public sealed class PerformanceEstimationTests : ClockedMonitorTests
{
    private const int WindowRows = 2000;
    /// <summary>The world (<see cref="ClockedMonitorTests.Outcome"/>) never changes (no concept drift), only where x falls does.</summary>
    private async Task<string> TrainAsync()
    {
        var random = new Random(21);
        var csv = new StringBuilder("x,y\n");
        for (var i = 0; i < 20_000; i++)
        {
            var x = Normal(random, 2);
            csv.Append(CultureInfo.InvariantCulture, $"{x:F4},{(Outcome(x, random) ? "true" : "false")}\n");
        }
        return await TrainBinaryAsync("world", csv.ToString(), null, new() { ["num_leaves"] = 4, ["min_data_per_leaf"] = 200, ["num_iterations"] = 50 });
    }

    [Fact]
    public async Task EstimatedAccuracy_FallsWithTheShift_BeforeAnyLabel_AndStaysWithin003OfTheRealized()
    {
        var model = await TrainAsync();
        var endpoint = await ServingModels.CreateEndpointAsync(Server, model + "/1");
        await Server.Client.Endpoints.SetMonitorAsync(endpoint, new MonitorSettings(WindowPredictions: WindowRows, Performance: new PerformanceSettings(Enabled: true)));
        var policy = Unique.Name("estimated");
        await Server.Client.Policies.ApplyAsync($"name: {policy}\nendpoint: {endpoint}\nwhen:\n  - {{estimated: accuracy, below: 0.75}}\nthen:\n  - {{webhook: \"http://127.0.0.1:9/hook\", retries: 0}}\n");

        // Three windows as in training (x spread widely: most answers easy), then three where x crowds the boundary.
        var random = new Random(5);
        var truth = new List<(string Id, bool Actual)>();
        double[] spreads = [2, 2, 2, 0.8, 0.6, 0.5];
        foreach (var spread in spreads)
        {
            var xs = Enumerable.Range(0, WindowRows).Select(_ => Normal(random, spread)).ToList();
            var answered = await Server.Client.Endpoints.PredictAsync(endpoint, [.. xs.Select(x => new Dictionary<string, object?> { ["x"] = x })]);
            truth.AddRange(answered.PredictionIds.Select((id, i) => (id, Outcome(xs[i], random))));
            Time.Advance(TimeSpan.FromMilliseconds(10));
        }
        var windows = await WindowsAsync(endpoint, spreads.Length);
        Assert.Equal(spreads.Length, windows.Count);

        // Before a single label: every window has an estimate, and the policy fired on the drop.
        var before = (await Server.Client.Endpoints.ListEstimatedPerformanceAsync(endpoint)).Items.Reverse().ToList();
        Assert.All(before, w => Assert.Null(w.Realized));
        Assert.All(before, w => Assert.Equal(EstimatedPerformance.Cbpe, w.Estimated!.Method));
        var estimated = before.Select(w => w.Estimated!.Metrics!["accuracy"]).ToList();
        Assert.True(estimated.Take(3).Min() - estimated.Skip(3).Max() > 0.1, string.Join(", ", estimated));
        var firing = Assert.Single((await Server.Client.Policies.FiringsAsync(policy)).Items);
        Assert.StartsWith($"estimated accuracy ", firing.Evidence[0], StringComparison.Ordinal);
        var first = windows[estimated.FindIndex(a => a < 0.75)];
        Assert.Contains($"(CBPE, no labels) at window {first.Id} ({WindowRows} predictions) is below 0.75", firing.Evidence[0], StringComparison.Ordinal);
        // The estimated accuracy is a sequential statistic too: the drop is far below the reference's accuracy.
        Assert.True(windows[3].Sequential!.Single(p => p.Statistic == EndpointMonitor.EstimatedAccuracy).Z < -3);

        // Then the late labels: the realized accuracy lands in each window, and the estimate was within 0.03 of it.
        foreach (var chunk in truth.Chunk(WindowRows))
        {
            await Server.Client.Endpoints.FeedbackAsync(endpoint, chunk.Select(t => (t.Id, (object)(t.Actual ? "true" : "false"))));
        }
        var after = (await Server.Client.Endpoints.ListEstimatedPerformanceAsync(endpoint)).Items.Reverse().ToList();
        var errors = after.Select(w => Math.Abs(w.Estimated!.Metrics!["accuracy"] - w.Realized!.Metrics["accuracy"])).ToList();
        Assert.All(after, w => Assert.Equal(WindowRows, w.Realized!.Labelled));
        Assert.All(errors, e => Assert.True(e <= 0.03, $"estimated {string.Join(", ", estimated)}; realized {string.Join(", ", after.Select(w => w.Realized!.Metrics["accuracy"]))}"));
        Console.WriteLine(FormattableString.Invariant($"CBPE accuracy: mean absolute error {errors.Average():0.0000} over {errors.Count} windows (max {errors.Max():0.0000}); ")
            + $"estimated {string.Join(", ", estimated.Select(e => e.ToString("0.0000", CultureInfo.InvariantCulture)))}; "
            + $"realized {string.Join(", ", after.Select(w => w.Realized!.Metrics["accuracy"].ToString("0.0000", CultureInfo.InvariantCulture)))}");
        // The realized accuracy really fell: the estimate tracked a drop, not noise.
        Assert.True(after.Take(3).Min(w => w.Realized!.Metrics["accuracy"]) - after.Skip(3).Max(w => w.Realized!.Metrics["accuracy"]) > 0.1);

        var metrics = await Server.Http.GetStringAsync("/metrics");
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"gyre_estimated_performance{{endpoint=\"{endpoint}\",metric=\"accuracy\"}} {estimated[^1]:R}"), metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LabelsThatCameBeforeTheWindowClosed_MakeTheRealizedAccuracyASequentialStatistic()
    {
        var model = await TrainAsync();
        var endpoint = await ServingModels.CreateEndpointAsync(Server, model + "/1");
        await Server.Client.Endpoints.SetMonitorAsync(endpoint, new MonitorSettings(WindowPredictions: WindowRows));
        var random = new Random(9);
        var realized = new List<double>();
        // Labels at once for the first two windows (all of them, then 20: too few to count), none for the third.
        foreach (var (spread, labelled) in new[] { (2.0, WindowRows), (0.5, 20), (0.5, 0) })
        {
            var xs = Enumerable.Range(0, WindowRows).Select(_ => Normal(random, spread)).ToList();
            var answered = await Server.Client.Endpoints.PredictAsync(endpoint, [.. xs.Select(x => new Dictionary<string, object?> { ["x"] = x })]);
            var truth = xs.Select(x => Outcome(x, random)).ToList();
            if (labelled > 0)
            {
                await Server.Client.Endpoints.FeedbackAsync(endpoint, answered.PredictionIds.Take(labelled).Select((id, i) => (id, (object)(truth[i] ? "true" : "false"))));
            }
            realized.Add(answered.Predictions.Select((p, i) => p.GetProperty("label").GetString() == (truth[i] ? "true" : "false")).Average(right => right ? 1.0 : 0.0));
            Time.Advance(TimeSpan.FromMilliseconds(10));
        }
        var windows = await WindowsAsync(endpoint, 3);
        Assert.Equal(3, windows.Count);
        var first = windows[0].Sequential!.Single(p => p.Statistic == EndpointMonitor.RealizedAccuracy);
        Assert.Equal(("realized accuracy", realized[0]), (first.Measure, first.Value));
        // Too few labels in the second window, none in the third: no figure, and the detectors' state carried forward.
        Assert.All(windows.Skip(1), w => Assert.Null(w.Sequential!.Single(p => p.Statistic == EndpointMonitor.RealizedAccuracy).Value));
        Assert.Equal(first.Cusum, windows[2].Sequential!.Single(p => p.Statistic == EndpointMonitor.RealizedAccuracy).Cusum);
    }

    [Fact]
    public async Task NoEstimatePossible_IsA400WhenAskedFor_AndAReasonOnEachWindowOtherwise()
    {
        var regression = Unique.Name("diabetes");
        await using (var stream = File.OpenRead(Path.Combine(ServingModels.Onnx, "diabetes_mlp.onnx")))
        {
            await Server.Client.Models.ImportOnnxAsync(regression, stream, new Core.Models.ImportOptions("regression"));
        }
        var endpoint = await ServingModels.CreateEndpointAsync(Server, regression + "/1");
        var reference = Unique.Name("diabetes-ref");
        var columns = string.Join(',', Enumerable.Range(0, 10).Select(i => $"f{i}"));
        await using (var csv = new MemoryStream(Encoding.UTF8.GetBytes(columns + ",label\n"
            + string.Concat(Enumerable.Range(0, 30).Select(i => string.Join(',', Enumerable.Range(0, 10).Select(k => (0.001 * i * (k + 1)).ToString(CultureInfo.InvariantCulture))) + $",{i * 3}\n")))))
        {
            await Server.Client.Datasets.AddAsync(reference, csv, DatasetFormat.Csv);
        }
        var asked = await Server.Http.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/monitor", new
        {
            reference = new { dataset = reference },
            performance = new { enabled = true, reference = new { dataset = reference }, label = "label" },
        });
        Assert.Contains($"performance.reference: {reference}@1 has 30 labelled rows; direct loss estimation needs at least 100",
            await ProblemAssert.IsAsync(asked, HttpStatusCode.BadRequest, "invalid_argument"), StringComparison.Ordinal);
        var empty = await Server.Http.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/monitor", new { reference = new { dataset = reference }, performance = new { reference = new { dataset = "" } } });
        Assert.Contains("performance.reference.dataset: expected a dataset name", await ProblemAssert.IsAsync(empty, HttpStatusCode.BadRequest, "invalid_argument"), StringComparison.Ordinal);

        // Not asked for: the monitor runs, and each window says why it has no estimate.
        await Server.Client.Endpoints.SetMonitorAsync(endpoint, new MonitorSettings(new Core.Monitoring.Drift.DatasetSide(reference), WindowPredictions: 10));
        await Server.Client.Endpoints.PredictAsync(endpoint, [.. Enumerable.Range(0, 10).Select(i => Enumerable.Range(0, 10).ToDictionary(k => $"f{k}", k => (object?)(0.001 * i * (k + 1))))]);
        var window = Assert.Single(await WindowsAsync(endpoint, 1));
        Assert.Null(window.Performance!.Metrics);
        Assert.Equal($"performance.reference: {regression}/1 was not trained by Gyre, so the labelled data it was evaluated on is unknown; name it", window.Performance.Missing);

        // A binary model whose labelled reference is too small to calibrate on.
        var churn = await ServingModels.TrainChurnAsync(Server);
        var small = await ServingModels.CreateEndpointAsync(Server, churn + "/1");
        var tooSmall = await Server.Http.PutAsJsonAsync($"/api/v1/endpoints/{small}/monitor", new { performance = new { enabled = true } });
        Assert.Contains("calibrating scores needs at least 100 rows with 10 of each class", await ProblemAssert.IsAsync(tooSmall, HttpStatusCode.BadRequest, "invalid_argument"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multiclass_EstimatesFollowTheRealizedAccuracy_AndATooSmallReferenceIsRefused()
    {
        // Three classes around −2, 0 and 2; a row's class is drawn from how close x is to each.
        static string Draw(double x, Random random)
        {
            double[] weights = [.. new[] { -2.0, 0, 2 }.Select(m => Math.Exp(-(x - m) * (x - m)))];
            var u = random.NextDouble() * weights.Sum();
            return u < weights[0] ? "low" : u < weights[0] + weights[1] ? "mid" : "high";
        }
        var random = new Random(8);
        var csv = new StringBuilder("x,band\n");
        for (var i = 0; i < 6000; i++)
        {
            var x = Normal(random, 2.5);
            csv.Append(CultureInfo.InvariantCulture, $"{x:F4},{Draw(x, random)}\n");
        }
        var name = Unique.Name("bands");
        await using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())))
        {
            await Server.Client.Datasets.AddAsync(name, stream, DatasetFormat.Csv);
        }
        var trained = await Server.Http.PostAsJsonAsync("/api/v1/trainings", new TrainingRequest(name, Task: "multiclass", Label: "band", Register: name + "-model", Seed: 1,
            Hyperparameters: new Dictionary<string, double> { ["num_leaves"] = 4, ["min_data_per_leaf"] = 200, ["num_iterations"] = 50 }), GyreJson.Options);
        Assert.True(trained.StatusCode == HttpStatusCode.Created, await trained.Content.ReadAsStringAsync());
        var endpoint = await ServingModels.CreateEndpointAsync(Server, name + "-model/1");
        await Server.Client.Endpoints.SetMonitorAsync(endpoint, new MonitorSettings(WindowPredictions: WindowRows, Performance: new PerformanceSettings(Enabled: true)));

        // A window as in training, then one crowding the boundaries between the bands.
        var truth = new List<(string Id, string Actual)>();
        foreach (var spread in new[] { 2.5, 0.6 })
        {
            var xs = Enumerable.Range(0, WindowRows).Select(_ => (spread == 0.6 ? 1 : 0) + Normal(random, spread)).ToList();
            var answered = await Server.Client.Endpoints.PredictAsync(endpoint, [.. xs.Select(x => new Dictionary<string, object?> { ["x"] = x })]);
            truth.AddRange(answered.PredictionIds.Select((id, i) => (id, Draw(xs[i], random))));
            Time.Advance(TimeSpan.FromMilliseconds(10));
        }
        await WindowsAsync(endpoint, 2);
        foreach (var chunk in truth.Chunk(WindowRows))
        {
            await Server.Client.Endpoints.FeedbackAsync(endpoint, chunk.Select(t => (t.Id, (object)t.Actual)));
        }
        var windows = (await Server.Client.Endpoints.ListEstimatedPerformanceAsync(endpoint)).Items.Reverse().ToList();
        Assert.Equal(2, windows.Count);
        Assert.All(windows, w => Assert.Equal(["accuracy", "macro_precision", "macro_recall", "macro_f1", "roc_auc"], w.Estimated!.Metrics!.Keys));
        var (estimated, realized) = (windows.Select(w => w.Estimated!.Metrics!["accuracy"]).ToList(), windows.Select(w => w.Realized!.Metrics["accuracy"]).ToList());
        Assert.True(estimated[0] - estimated[1] > 0.05, $"estimated {string.Join(", ", estimated)}; realized {string.Join(", ", realized)}");
        Assert.All(Enumerable.Range(0, 2), i => Assert.True(Math.Abs(estimated[i] - realized[i]) <= 0.05, $"estimated {string.Join(", ", estimated)}; realized {string.Join(", ", realized)}"));

        // The wine model knows three classes, and its 54 labelled rows are too few to calibrate on.
        var wine = Unique.Name("wine");
        await using (var model = File.OpenRead(Path.Combine(ServingModels.Onnx, "wine_mlp.onnx")))
        {
            await Server.Client.Models.ImportOnnxAsync(wine, model, new Core.Models.ImportOptions("multiclass", OutputMeaning: "probabilities", Classes: ["0", "1", "2"],
                FeatureColumns: [.. File.ReadLines(Path.Combine(ServingModels.Onnx, "wine_mlp.csv")).First().Split(',')[..13]]));
        }
        await using (var data = File.OpenRead(Path.Combine(ServingModels.Onnx, "wine_mlp.csv")))
        {
            await Server.Client.Datasets.AddAsync(wine + "-data", data, DatasetFormat.Csv);
        }
        var wineEndpoint = await ServingModels.CreateEndpointAsync(Server, wine + "/1");
        var refused = await Server.Http.PutAsJsonAsync($"/api/v1/endpoints/{wineEndpoint}/monitor", new
        {
            reference = new { dataset = wine + "-data" },
            performance = new { enabled = true, reference = new { dataset = wine + "-data" }, label = "label" },
        });
        Assert.Contains($"performance.reference: {wine}-data@1 has 54 labelled rows; calibrating scores needs at least 100 rows with 10 of each class",
            await ProblemAssert.IsAsync(refused, HttpStatusCode.BadRequest, "invalid_argument"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Regression_DirectLossEstimation_FollowsTheRealizedErrors()
    {
        // y = 3x with noise that grows with |x|: traffic spread wider has larger errors, which the loss models learned where they occur.
        var random = new Random(13);
        double Target(double x) => (3 * x) + ((1 + Math.Abs(x)) * Normal(random, 1));
        var csv = new StringBuilder("x,y\n");
        for (var i = 0; i < 5000; i++)
        {
            var x = Normal(random, 1.5);
            csv.Append(CultureInfo.InvariantCulture, $"{x:F4},{Target(x):F4}\n");
        }
        var name = Unique.Name("spread");
        await using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())))
        {
            await Server.Client.Datasets.AddAsync(name, stream, DatasetFormat.Csv);
        }
        var trained = await Server.Http.PostAsJsonAsync("/api/v1/trainings", new TrainingRequest(name, Task: "regression", Label: "y", Register: name + "-model", Seed: 1,
            Hyperparameters: new Dictionary<string, double> { ["num_leaves"] = 4, ["min_data_per_leaf"] = 100, ["num_iterations"] = 50 }), GyreJson.Options);
        Assert.True(trained.StatusCode == HttpStatusCode.Created, await trained.Content.ReadAsStringAsync());
        var endpoint = await ServingModels.CreateEndpointAsync(Server, name + "-model/1");
        await Server.Client.Endpoints.SetMonitorAsync(endpoint, new MonitorSettings(WindowPredictions: WindowRows, Performance: new PerformanceSettings(Enabled: true)));

        var truth = new List<(string Id, double Actual)>();
        foreach (var spread in new[] { 0.5, 1.5 })
        {
            var xs = Enumerable.Range(0, WindowRows).Select(_ => Normal(random, spread)).ToList();
            var answered = await Server.Client.Endpoints.PredictAsync(endpoint, [.. xs.Select(x => new Dictionary<string, object?> { ["x"] = x })]);
            truth.AddRange(answered.PredictionIds.Select((id, i) => (id, Target(xs[i]))));
            Time.Advance(TimeSpan.FromMilliseconds(10));
        }
        await WindowsAsync(endpoint, 2);
        foreach (var chunk in truth.Chunk(WindowRows))
        {
            await Server.Client.Endpoints.FeedbackAsync(endpoint, chunk.Select(t => (t.Id, (object)t.Actual)));
        }
        var windows = (await Server.Client.Endpoints.ListEstimatedPerformanceAsync(endpoint)).Items.Reverse().ToList();
        Assert.All(windows, w => Assert.Equal(DleReference.Dle, w.Estimated!.Method));
        var report = string.Join("; ", windows.Select(w => $"mae {w.Estimated!.Metrics!["mae"]:0.###}/{w.Realized!.Metrics["mae"]:0.###}, rmse {w.Estimated.Metrics["rmse"]:0.###}/{w.Realized.Metrics["rmse"]:0.###}"));
        Console.WriteLine("DLE estimated/realized: " + report);
        foreach (var w in windows)
        {
            foreach (var metric in new[] { "mae", "rmse" })
            {
                var (estimate, realized) = (w.Estimated!.Metrics![metric], w.Realized!.Metrics[metric]);
                Assert.True(Math.Abs(estimate - realized) / realized < 0.1, report);
            }
        }
        // The wider traffic's larger errors were seen without a label.
        Assert.True(windows[1].Estimated!.Metrics!["rmse"] > 1.5 * windows[0].Estimated!.Metrics!["rmse"], report);
    }
}
