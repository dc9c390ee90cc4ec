using System.Globalization;
using Gyre.Core.Data;
using Gyre.Core.Data.Reference;

namespace Gyre.Core.Monitoring.Drift;

/// <summary>
/// A column's distribution as the drift tests read it, from reference statistics: the exact sorted
/// values when they were kept (at most <see cref="ReferenceSettings.ExactMaxValues"/>), otherwise the
/// 1001-point quantile grid; value counts for discrete columns. Tests are exact on exact values and
/// read the grid otherwise (an error of at most 0.001 in a CDF).
/// </summary>
public sealed class ColumnDistribution
{
    private ColumnDistribution(ColumnReference column, IReadOnlyDictionary<string, long>? counts)
    {
        Column = column;
        Values = column.Values is { } values ? [.. values] : null;
        Quantiles = column.Quantiles is { } grid ? [.. grid] : null;
        Counts = counts;
    }

    public ColumnReference Column { get; }

    public string Name => Column.Name;

    /// <summary>Values present (missing ones are left out, as every test does).</summary>
    public long Count => Column.Count;

    public bool IsNumeric => Column.Type is ColumnType.Integer or ColumnType.Float;

    public double[]? Values { get; }

    public double[]? Quantiles { get; }

    /// <summary>Counts per value (text), with values beyond the kept ones pooled under <see cref="Other"/>; null when the column keeps none.</summary>
    public IReadOnlyDictionary<string, long>? Counts { get; }

    public const string Other = "(other)";

    public static ColumnDistribution From(ColumnReference column)
    {
        Dictionary<string, long>? counts = null;
        if (column.Counts is { } kept)
        {
            // Numbers are keyed as .NET writes them, so that counts kept by the store and counts made from values agree ("1.0" and "1").
            var numeric = column.Type is ColumnType.Integer or ColumnType.Float;
            counts = kept.GroupBy(c => numeric && double.TryParse(c.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : c.Value, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(c => c.Count), StringComparer.Ordinal);
            if (column.OtherCount > 0)
            {
                counts[Other] = column.OtherCount;
            }
        }
        else if (column.Values is { } values)
        {
            counts = values.GroupBy(v => v.ToString("R", CultureInfo.InvariantCulture), StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        }
        return new ColumnDistribution(column, counts);
    }

    /// <summary>P(X ≤ x), or P(X &lt; x) when <paramref name="strict"/>.</summary>
    public double Cdf(double x, bool strict = false)
    {
        if (Values is { Length: > 0 } values)
        {
            return (double)CountBelow(values, x, strict) / values.Length;
        }
        var grid = Quantiles ?? throw new InvalidOperationException($"column '{Name}' has no quantiles");
        if (x < grid[0] || (strict && x == grid[0]))
        {
            return 0;
        }
        if (x > grid[^1] || (!strict && x == grid[^1]))
        {
            return 1;
        }
        // The grid is a piecewise linear quantile function; its inverse is read between the points around x.
        var last = grid.Length - 1;
        var hi = strict ? LowerBound(grid, x) : UpperBound(grid, x);
        var lo = hi - 1;
        if (hi > last)
        {
            return 1;
        }
        if (lo < 0)
        {
            return 0;
        }
        var span = grid[hi] - grid[lo];
        var within = span > 0 ? (x - grid[lo]) / span : 1;
        return (lo + within) / last;
    }

    /// <summary>The quantile at <paramref name="p"/>, linearly interpolated (NumPy's and DuckDB's default).</summary>
    public double Quantile(double p)
    {
        var points = Values is { Length: > 0 } values ? values : Quantiles ?? throw new InvalidOperationException($"column '{Name}' has no quantiles");
        return LinearQuantile(points, p);
    }

    /// <summary>The quantile at <paramref name="p"/> of sorted points, interpolating between the two around p·(n − 1).</summary>
    public static double LinearQuantile(double[] sorted, double p)
    {
        var position = p * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        return below >= sorted.Length - 1 ? sorted[^1] : sorted[below] + ((position - below) * (sorted[below + 1] - sorted[below]));
    }

    internal static long CountBelow(double[] sorted, double x, bool strict) => strict ? LowerBound(sorted, x) : UpperBound(sorted, x);

    /// <summary>The number of elements &lt; x.</summary>
    private static int LowerBound(double[] sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>The number of elements ≤ x.</summary>
    private static int UpperBound(double[] sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
