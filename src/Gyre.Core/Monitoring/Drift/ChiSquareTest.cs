using MathNet.Numerics;

namespace Gyre.Core.Monitoring.Drift;

/// <summary>
/// Pearson's chi-square test of the current counts against the reference's proportions, as
/// Evidently runs SciPy's <c>chisquare</c>: over every value either side has, the expected counts
/// are the reference's scaled to the current total. A value the reference never had makes the
/// statistic infinite (p = 0).
/// </summary>
public sealed class ChiSquareTest : IDriftTest
{
    public string Name => DriftTests.ChiSquare;

    public bool NumericOnly => false;

    public bool HasPValue => true;

    public double DefaultThreshold => 0.05;

    public (double Statistic, double? PValue) Compute(ColumnDistribution reference, ColumnDistribution current)
    {
        var (r, c) = DriftCounts.Aligned(reference, current);
        double referenceTotal = r.Sum(), currentTotal = c.Sum();
        if (referenceTotal == 0 || currentTotal == 0)
        {
            return (0, 1);
        }
        var scale = currentTotal / referenceTotal;
        double statistic = 0;
        var categories = 0;
        for (var k = 0; k < r.Length; k++)
        {
            var expected = r[k] * scale;
            if (expected == 0)
            {
                // A value the reference never had.
                return (double.PositiveInfinity, 0);
            }
            statistic += (c[k] - expected) * (c[k] - expected) / expected;
            categories++;
        }
        return categories < 2 ? (statistic, 1) : (statistic, SpecialFunctions.GammaUpperRegularized((categories - 1) / 2.0, statistic / 2));
    }
}
