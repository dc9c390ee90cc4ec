namespace Gyre.Core.Monitoring.Drift;

/// <summary>
/// The Jensen–Shannon distance between the two value distributions (SciPy's
/// <c>distance.jensenshannon</c>, natural logarithm): 0 for the same proportions, at most √ln 2.
/// </summary>
public sealed class JensenShannonTest : IDriftTest
{
    public string Name => DriftTests.JensenShannon;

    public bool NumericOnly => false;

    public bool HasPValue => false;

    public double DefaultThreshold => 0.1;

    public (double Statistic, double? PValue) Compute(ColumnDistribution reference, ColumnDistribution current)
    {
        var (r, c) = DriftCounts.Aligned(reference, current);
        double rt = r.Sum(), ct = c.Sum();
        if (rt == 0 || ct == 0)
        {
            return (0, null);
        }
        double divergence = 0;
        for (var k = 0; k < r.Length; k++)
        {
            double p = r[k] / rt, q = c[k] / ct, mid = (p + q) / 2;
            divergence += (p > 0 ? p * Math.Log(p / mid) : 0) + (q > 0 ? q * Math.Log(q / mid) : 0);
        }
        return (Math.Sqrt(Math.Max(divergence, 0) / 2), null);
    }
}
