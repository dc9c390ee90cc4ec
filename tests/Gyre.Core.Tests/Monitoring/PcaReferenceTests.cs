using Gyre.Core.Monitoring.Multivariate;
using MathNet.Numerics.LinearAlgebra;

namespace Gyre.Core.Tests.Monitoring;

/// <summary>PCA reconstruction error against a direct SVD of the standardised reference in MathNet, written out here.</summary>
public sealed class PcaReferenceTests
{
    /// <summary>Three correlated numbers and one independent: x2 follows x1, x3 follows both, x4 is noise.</summary>
    private static double[][] Rows(Random random, int n, bool related) => [.. Enumerable.Range(0, n).Select(_ =>
    {
        var x1 = Normal(random);
        var x2 = related ? (0.9 * x1) + (0.3 * Normal(random)) : Normal(random) * Math.Sqrt(0.9);
        return new[] { x1, x2, x1 - x2 + (0.5 * Normal(random)), 2 + (3 * Normal(random)) };
    })];

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void ReconstructionError_EqualsADirectSvd_AndBrokenCorrelationsDrift()
    {
        var random = new Random(12);
        var reference = Rows(random, 2000, related: true);
        var columns = Enumerable.Range(0, 4).Select(j => EncodedColumn.Fit($"x{j + 1}", [.. reference.Select(r => r[j])], null)).ToList();
        var pca = PcaReference.Fit("r@1", columns, [.. reference.Select(r => columns.Select((c, j) => c.Encode(r[j], null)).ToArray())]);

        // The same by hand: standardise with the population standard deviation, take the SVD of the
        // matrix, keep the fewest right singular vectors that explain 65 % of the variance.
        var means = Enumerable.Range(0, 4).Select(j => reference.Average(r => r[j])).ToArray();
        var sds = Enumerable.Range(0, 4).Select(j => Math.Sqrt(reference.Average(r => (r[j] - means[j]) * (r[j] - means[j])))).ToArray();
        double[] Standard(double[] r) => [.. r.Select((x, j) => (x - means[j]) / sds[j])];
        var z = Matrix<double>.Build.DenseOfRowArrays(reference.Select(Standard));
        var svd = z.Svd(computeVectors: true);
        var variance = svd.S.Select(s => s * s).ToArray();
        var k = 1;
        while (variance.Take(k).Sum() / variance.Sum() < 0.65)
        {
            k++;
        }
        var v = svd.VT.Transpose().SubMatrix(0, 4, 0, k);
        double ByHand(double[] r)
        {
            var x = Vector<double>.Build.DenseOfArray(Standard(r));
            return (x - (v * (v.TransposeThisAndMultiply(x)))).L2Norm();
        }

        Assert.Equal(k, pca.ComponentCount);
        Assert.Equal(variance.Take(k).Sum() / variance.Sum(), pca.ExplainedVariance, 9);
        Assert.Equal(reference.Average(ByHand), pca.MeanError, 9);
        foreach (var row in reference.Take(50))
        {
            Assert.Equal(ByHand(row), pca.Error(Standard(row)), 9);
        }

        // A window like the reference stays in the band; one where x2 no longer follows x1 (its own spread unchanged) leaves it.
        var same = Rows(random, 1000, related: true);
        var broken = Rows(random, 1000, related: false);
        var stays = pca.Judge([.. same.Select(Standard)]);
        var leaves = pca.Judge([.. broken.Select(Standard)]);
        Assert.False(stays.Drifted, $"{stays.Statistic} in [{stays.Lower}, {stays.Upper}]");
        Assert.True(leaves.Drifted, $"{leaves.Statistic} in [{leaves.Lower}, {leaves.Upper}]");
        Assert.Equal(broken.Average(ByHand), leaves.Statistic!.Value, 9);
        // The band: the reference's mean error ± 3 standard errors for a window of 1,000 rows.
        var errors = reference.Select(ByHand).ToArray();
        var sd = Math.Sqrt(errors.Average(e => (e - errors.Average()) * (e - errors.Average())));
        Assert.Equal(errors.Average() + (3 * sd / Math.Sqrt(1000)), leaves.Upper!.Value, 9);
    }

    [Fact]
    public void Categories_AreEncodedByTheirReferenceShare_AndAnUnknownOneIsZero()
    {
        var column = EncodedColumn.Fit("plan", null, ["a", "a", "a", "b", null]);
        // Shares a 0.6, b 0.2, missing 0.2: mean 0.44, population sd √(3·0.16²+2·0.24²)/√5.
        var sd = Math.Sqrt(((3 * 0.16 * 0.16) + (2 * 0.24 * 0.24)) / 5);
        Assert.Equal((0.6 - 0.44) / sd, column.Encode(double.NaN, "a"), 12);
        Assert.Equal((0.2 - 0.44) / sd, column.Encode(double.NaN, null), 12);
        Assert.Equal((0 - 0.44) / sd, column.Encode(double.NaN, "never"), 12);
    }
}
