namespace Gyre.Core.Monitoring.Drift;

/// <summary>
/// The population stability index over the reference's decile bins ([e0, e1), …, [e9, e10], repeated
/// edges merged; current values outside the reference's range fall in the end bins): Σ (r − c)·ln(r/c)
/// over the bins' shares, an empty bin counted as 0.0001. Below 0.1 stable, 0.1–0.25 moderate, above major.
/// </summary>
public sealed class PsiTest : IDriftTest
{
    private const double Empty = 0.0001;

    public string Name => DriftTests.Psi;

    public bool NumericOnly => true;

    public bool HasPValue => false;

    public double DefaultThreshold => 0.1;

    public (double Statistic, double? PValue) Compute(ColumnDistribution reference, ColumnDistribution current)
    {
        var inner = Enumerable.Range(0, 11).Select(i => reference.Quantile(i / 10.0)).Distinct().ToArray()[1..^1];
        var r = Shares(reference, inner);
        var c = Shares(current, inner);
        var psi = r.Zip(c, (p, q) => (p - q) * Math.Log(p / q)).Sum();
        return (psi, null);
    }

    /// <summary>The share of values in each bin: below the first inner edge, between edges (left-closed), from the last on.</summary>
    private static double[] Shares(ColumnDistribution column, double[] inner)
    {
        var below = inner.Select(e => column.Cdf(e, strict: true)).Prepend(0.0).Append(1.0).ToArray();
        return [.. Enumerable.Range(0, inner.Length + 1).Select(k => below[k + 1] - below[k]).Select(s => s <= 0 ? Empty : s)];
    }
}
