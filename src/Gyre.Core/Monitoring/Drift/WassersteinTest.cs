namespace Gyre.Core.Monitoring.Drift;

/// <summary>
/// The Wasserstein-1 distance between the two distributions (SciPy's <c>wasserstein_distance</c>:
/// the area between the CDFs), divided by the reference's standard deviation (population; at least
/// 0.001) as Evidently norms it. Exact on exact values; on grids, the area between the quantile functions.
/// </summary>
public sealed class WassersteinTest : IDriftTest
{
    public string Name => DriftTests.Wasserstein;

    public bool NumericOnly => true;

    public bool HasPValue => false;

    public double DefaultThreshold => 0.1;

    public (double Statistic, double? PValue) Compute(ColumnDistribution reference, ColumnDistribution current)
    {
        var distance = reference.Values is { } x && current.Values is { } y ? Exact(x, y) : OnGrid(reference, current);
        return (distance / Math.Max(reference.Column.Stddev ?? 0, 0.001), null);
    }

    private static double Exact(double[] x, double[] y)
    {
        if (x.Length == 0 || y.Length == 0)
        {
            return 0;
        }
        double n = x.Length, m = y.Length, area = 0;
        int i = 0, j = 0;
        var at = Math.Min(x[0], y[0]);
        while (i < x.Length || j < y.Length)
        {
            var next = Math.Min(i < x.Length ? x[i] : double.PositiveInfinity, j < y.Length ? y[j] : double.PositiveInfinity);
            area += Math.Abs((i / n) - (j / m)) * (next - at);
            while (i < x.Length && x[i] == next)
            {
                i++;
            }
            while (j < y.Length && y[j] == next)
            {
                j++;
            }
            at = next;
        }
        return area;
    }

    private static double OnGrid(ColumnDistribution a, ColumnDistribution b)
    {
        const int Points = 1000;
        double area = 0, previous = Math.Abs(a.Quantile(0) - b.Quantile(0));
        for (var k = 1; k <= Points; k++)
        {
            var p = (double)k / Points;
            var gap = Math.Abs(a.Quantile(p) - b.Quantile(p));
            area += (previous + gap) / 2 / Points;
            previous = gap;
        }
        return area;
    }
}
