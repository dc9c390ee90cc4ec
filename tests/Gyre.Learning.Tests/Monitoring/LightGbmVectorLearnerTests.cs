using Gyre.Learning.Monitoring;

namespace Gyre.Learning.Tests.Monitoring;

/// <summary>The monitor's quick LightGBM models scored flat give exactly what ML.NET's own scoring gives, and learn what they are shown.</summary>
public sealed class LightGbmVectorLearnerTests
{
    private static List<double[]> Rows(Random random, int n, int width) =>
        [.. Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, width).Select(_ => (random.NextDouble() * 4) - 2).ToArray())];

    [Fact]
    public void Regression_ScoredFlat_EqualsMlNetsScoring()
    {
        var random = new Random(3);
        var rows = Rows(random, 3000, 6);
        var targets = rows.Select(r => Math.Abs(r[0]) + (r[1] * r[2]) + (0.1 * random.NextDouble())).ToList();
        var model = (LightGbmVectorLearner.Model)new LightGbmVectorLearner().Regress(rows, targets, 1);
        var fresh = Rows(random, 2000, 6);
        var flat = model.Predict(fresh);
        Assert.Equal(model.PredictWithMlNet(fresh), flat);
        // It learned the target: far better than its mean.
        var truth = fresh.Select(r => Math.Abs(r[0]) + (r[1] * r[2])).ToList();
        var mean = truth.Average();
        Assert.True(flat.Select((p, i) => (p - truth[i]) * (p - truth[i])).Average() < 0.2 * truth.Average(t => (t - mean) * (t - mean)));
    }

    [Fact]
    public void Classifier_ScoredFlat_EqualsMlNetsProbabilities()
    {
        var random = new Random(4);
        var rows = Rows(random, 3000, 5);
        var targets = rows.Select(r => r[0] + r[3] + random.NextDouble() - 0.5 > 0).ToList();
        var model = (LightGbmVectorLearner.Model)new LightGbmVectorLearner().Classify(rows, targets, 1);
        var fresh = Rows(random, 2000, 5);
        var flat = model.Predict(fresh);
        Assert.Equal(model.PredictWithMlNet(fresh), flat);
        Assert.All(flat, p => Assert.InRange(p, 0, 1));
        Assert.True(fresh.Select((r, i) => (r[0] + r[3] > 0) == (flat[i] >= 0.5)).Count(right => right) > 1800);
    }
}
