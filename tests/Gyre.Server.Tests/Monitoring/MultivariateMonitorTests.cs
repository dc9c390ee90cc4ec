using System.Globalization;
using System.Text;
using Gyre.Core.Monitoring.Drift;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Server.Tests.Serving;
using MathNet.Numerics.LinearAlgebra;

namespace Gyre.Server.Tests.Monitoring;

/// <summary>
/// Multivariate drift through HTTP: traffic whose features keep their own distributions but no longer
/// move together passes every univariate test and is caught by the PCA reconstruction error, which
/// equals a direct SVD of the reference computed here.
/// </summary>
public sealed class MultivariateMonitorTests : ClockedMonitorTests
{
    private const int WindowRows = 500;
    /// <summary>x2 follows x1 closely; x3 is independent. Broken: x2 drawn on its own, with the same spread.</summary>
    private static double[] Row(Random random, bool related)
    {
        var x1 = Normal(random);
        var x2 = related ? (0.95 * x1) + (Math.Sqrt(1 - (0.95 * 0.95)) * Normal(random)) : Normal(random);
        return [Math.Round(x1, 6), Math.Round(x2, 6), Math.Round(5 + (2 * Normal(random)), 6)];
    }

    [Fact]
    public async Task BrokenCorrelation_PassesTheUnivariateTests_ButNotThePcaReconstruction()
    {
        var random = new Random(31);
        var reference = Enumerable.Range(0, 3000).Select(_ => Row(random, true)).ToList();
        var csv = new StringBuilder("x1,x2,x3,y\n");
        foreach (var r in reference)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{r[0]:R},{r[1]:R},{r[2]:R},{(r[0] + r[1] + Normal(random) > 0 ? "true" : "false")}\n");
        }
        var model = await TrainBinaryAsync("related", csv.ToString(), null, []);
        var name = model[..^"-model".Length];
        var endpoint = await ServingModels.CreateEndpointAsync(Server, model + "/1");
        await Server.Client.Endpoints.SetMonitorAsync(endpoint, new MonitorSettings(new DatasetSide(name, 1), WindowPredictions: WindowRows));
        var policy = Unique.Name("together");
        await Server.Client.Policies.ApplyAsync($"name: {policy}\nendpoint: {endpoint}\nwhen:\n  - multivariate_drift: true\nthen:\n  - {{webhook: \"http://127.0.0.1:9/hook\", retries: 0}}\n");

        var windows = new List<List<double[]>>();
        foreach (var related in new[] { true, false })
        {
            var rows = Enumerable.Range(0, WindowRows).Select(_ => Row(random, related)).ToList();
            await Server.Client.Endpoints.PredictAsync(endpoint, [.. rows.Select(r => new Dictionary<string, object?> { ["x1"] = r[0], ["x2"] = r[1], ["x3"] = r[2] })]);
            Time.Advance(TimeSpan.FromMilliseconds(10));
            windows.Add(rows);
        }
        var checkedWindows = await WindowsAsync(endpoint, 2);
        Assert.Equal(2, checkedWindows.Count);

        // The same computation by hand: standardise by the reference's population statistics, SVD, 65 % of the variance.
        var means = Enumerable.Range(0, 3).Select(j => reference.Average(r => r[j])).ToArray();
        var sds = Enumerable.Range(0, 3).Select(j => Math.Sqrt(reference.Average(r => (r[j] - means[j]) * (r[j] - means[j])))).ToArray();
        double[] Standard(double[] r) => [.. r.Select((x, j) => (x - means[j]) / sds[j])];
        var svd = Matrix<double>.Build.DenseOfRowArrays(reference.Select(Standard)).Svd(computeVectors: true);
        var variance = svd.S.Select(s => s * s).ToArray();
        var k = Enumerable.Range(1, 3).First(c => variance.Take(c).Sum() / variance.Sum() >= 0.65);
        var v = svd.VT.Transpose().SubMatrix(0, 3, 0, k);
        double Error(double[] r)
        {
            var x = Vector<double>.Build.DenseOfArray(Standard(r));
            return (x - (v * v.TransposeThisAndMultiply(x))).L2Norm();
        }
        var referenceErrors = reference.Select(Error).ToArray();
        var referenceMean = referenceErrors.Average();
        var margin = 3 * Math.Sqrt(referenceErrors.Average(e => (e - referenceMean) * (e - referenceMean))) / Math.Sqrt(WindowRows);

        for (var w = 0; w < 2; w++)
        {
            var found = checkedWindows[w].Multivariate!;
            Assert.Equal(["x1", "x2", "x3"], found.Columns);
            Assert.Equal(k, found.Components);
            Assert.Equal(windows[w].Average(Error), found.Statistic!.Value, 6);
            Assert.Equal(referenceMean, found.Reference!.Value, 6);
            Assert.Equal(referenceMean + margin, found.Upper!.Value, 6);
            // No feature drifted by its own test in either window: each kept its distribution.
            Assert.All(checkedWindows[w].Data.Columns, c => Assert.False(c.Drifted, $"window {w}: {c.Column} {c.Test} {c.Statistic}"));
        }
        Assert.False(checkedWindows[0].Multivariate!.Drifted);
        Assert.True(checkedWindows[1].Multivariate!.Drifted);

        var firing = Assert.Single((await Server.Client.Policies.FiringsAsync(policy)).Items);
        Assert.StartsWith($"multivariate drift at window {checkedWindows[1].Id} over x1, x2, x3: mean PCA reconstruction error ", firing.Evidence[0], StringComparison.Ordinal);
        Assert.Contains("; a domain classifier tells the window from the reference with ROC AUC ", firing.Evidence[0], StringComparison.Ordinal);

        // The domain classifier: it cannot tell the like window from the reference, and easily tells the broken one.
        var (like, unlike) = (checkedWindows[0].Multivariate!.Classifier!, checkedWindows[1].Multivariate!.Classifier!);
        Assert.True(like.Auc < 0.6 && !like.Drifted, $"AUC {like.Auc}");
        Assert.True(unlike.Auc > 0.7 && unlike.Drifted, $"AUC {unlike.Auc}");
        Assert.Equal((3000, WindowRows, 0.65), (unlike.ReferenceRows, unlike.WindowRows, unlike.Threshold));
        var metrics = await Server.Http.GetStringAsync("/metrics");
        Assert.Contains($"gyre_multivariate_drift{{endpoint=\"{endpoint}\"}} 1", metrics, StringComparison.Ordinal);
    }

    /// <summary>An 8-dimensional embedding whose dimensions move together in pairs; shifted, the pairs turn the other way, every dimension keeping its spread.</summary>
    private static double[] Embedding(Random random, bool shifted)
    {
        var e = new double[8];
        for (var k = 0; k < 8; k += 2)
        {
            var (a, b) = (Normal(random), Normal(random));
            (e[k], e[k + 1]) = (a, (shifted ? -0.9 : 0.9) * a + (Math.Sqrt(1 - 0.81) * b));
        }
        return [.. e.Select(x => Math.Round(x, 5))];
    }

    private static string Json(double[] vector) => "[" + string.Join(", ", vector.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]";

    [Fact]
    public async Task AnEmbeddingThatTurns_IsFoundByTheDomainClassifier_FromTheVectorInput()
    {
        var random = new Random(44);
        var csv = new StringBuilder("x1,x2,y,embedding\n");
        for (var i = 0; i < 2000; i++)
        {
            var (x1, x2) = (Normal(random), Normal(random));
            csv.Append(CultureInfo.InvariantCulture, $"{x1:R},{x2:R},{(x1 + x2 > 0 ? "true" : "false")},\"{Json(Embedding(random, false))}\"\n");
        }
        var model = await TrainBinaryAsync("embedded", csv.ToString(), "columns:\n  embedding: {role: ignore}\n", []);
        var name = model[..^"-model".Length];
        var endpoint = await ServingModels.CreateEndpointAsync(Server, model + "/1");
        await Server.Client.Endpoints.SetMonitorAsync(endpoint, new MonitorSettings(new DatasetSide(name, 1), WindowPredictions: WindowRows));

        // The model reads x1 and x2; the embedding rides along in each request (logged as an array), as an application's would.
        foreach (var shifted in new[] { false, true })
        {
            var rows = Enumerable.Range(0, WindowRows).Select(_ => new Dictionary<string, object?> { ["x1"] = Normal(random), ["x2"] = Normal(random), ["embedding"] = Embedding(random, shifted) }).ToList();
            await Server.Client.Endpoints.PredictAsync(endpoint, rows);
            Time.Advance(TimeSpan.FromMilliseconds(10));
        }
        var windows = await WindowsAsync(endpoint, 2);
        Assert.Equal(2, windows.Count);

        var (like, turned) = (windows[0].Multivariate!.Classifier!, windows[1].Multivariate!.Classifier!);
        Assert.Equal(["embedding"], turned.Vectors!);
        Assert.True(like.Auc < 0.6 && !like.Drifted, $"AUC {like.Auc}");
        Assert.True(turned.Auc > 0.8 && turned.Drifted, $"AUC {turned.Auc}");
        // The PCA and the univariate tests see x1 and x2 only, which did not change; the embedding is not one of their columns.
        Assert.Equal(["x1", "x2"], windows[1].Multivariate!.Columns);
        Assert.False(windows[1].Multivariate!.Drifted);
        Assert.DoesNotContain(windows[1].Data.Columns, c => c.Column == "embedding");
        Assert.All(windows[1].Data.Columns, c => Assert.False(c.Drifted, $"{c.Column} {c.Test} {c.Statistic}"));
    }
}
