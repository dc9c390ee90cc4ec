using Gyre.Core.Learning.Evaluation;

namespace Gyre.Core.Tests.Learning;

/// <summary>The run page's curves agree with the metrics computed as scikit-learn computes them.</summary>
public sealed class CurvesTests
{
    private static (bool[] Labels, double[] Scores) Data(int rows, int distinct, int seed)
    {
        var random = new Random(seed);
        var labels = new bool[rows];
        var scores = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            labels[i] = random.NextDouble() < 0.4;
            // Scores on a grid, so that ties happen, and somewhat informative.
            scores[i] = Math.Round(Math.Clamp((labels[i] ? 0.6 : 0.4) + ((random.NextDouble() - 0.5) * 0.8), 0, 1) * distinct) / distinct;
        }
        return (labels, scores);
    }

    [Theory]
    [InlineData(500, 20, 1)]
    [InlineData(2000, 150, 2)]
    public void TheRocCurvesArea_IsTheRocAuc_WithTiesOnTheDiagonal(int rows, int distinct, int seed)
    {
        var (labels, scores) = Data(rows, distinct, seed);
        var curves = Curves.Binary(labels, scores);
        Assert.Equal(Metrics.Binary(labels, scores).Auc, Curves.Area(curves.Roc!), 12);
        Assert.Equal((0.0, 0.0), (curves.Roc![0].X, curves.Roc[0].Y));
        Assert.Equal((1.0, 1.0), (curves.Roc[^1].X, curves.Roc[^1].Y));
        Assert.True(double.IsPositiveInfinity(curves.Roc[0].Threshold));
    }

    [Fact]
    public void ThePrecisionRecallCurve_EndsAtRecallZero_AndStartsWithEveryRowPredictedPositive()
    {
        var (labels, scores) = Data(400, 10, 3);
        var pr = Curves.Binary(labels, scores).PrecisionRecall!;
        Assert.Equal((1.0, labels.Count(l => l) / 400.0), (pr[0].X, pr[0].Y), new PointComparer());
        Assert.Equal((0.0, 1.0), (pr[^1].X, pr[^1].Y));
        Assert.All(pr.Zip(pr.Skip(1)), p => Assert.True(p.Second.X <= p.First.X));
    }

    [Fact]
    public void ALongCurve_IsThinnedToItsLimit_KeepingBothEnds()
    {
        var (labels, scores) = Data(5000, 4000, 4);
        var roc = Curves.Binary(labels, scores).Roc!;
        Assert.Equal(Curves.MaxPoints, roc.Count);
        Assert.Equal((0.0, 0.0, 1.0, 1.0), (roc[0].X, roc[0].Y, roc[^1].X, roc[^1].Y));
        Assert.Equal(Metrics.Binary(labels, scores).Auc, Curves.Area(roc), 2);
    }

    [Fact]
    public void Residuals_AreActualMinusPredicted_ForAnEvenSampleOfRows()
    {
        var actual = Enumerable.Range(0, 1200).Select(i => (double)i).ToArray();
        var predicted = actual.Select(a => a * 0.9).ToArray();
        var residuals = Curves.Regression(actual, predicted).Residuals!;
        Assert.Equal(Curves.MaxResiduals, residuals.Count);
        Assert.All(residuals, r => Assert.Equal(r.Predicted / 0.9 * 0.1, r.Residual, 9));
        Assert.Equal(0, residuals[0].Predicted);
    }

    private sealed class PointComparer : IEqualityComparer<(double, double)>
    {
        public bool Equals((double, double) a, (double, double) b) => Math.Abs(a.Item1 - b.Item1) < 1e-12 && Math.Abs(a.Item2 - b.Item2) < 1e-12;

        public int GetHashCode((double, double) obj) => 0;
    }
}
