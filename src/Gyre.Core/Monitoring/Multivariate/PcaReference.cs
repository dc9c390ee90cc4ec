using MathNet.Numerics.LinearAlgebra;

namespace Gyre.Core.Monitoring.Multivariate;

/// <summary>
/// Multivariate drift by PCA reconstruction error (NannyML's data reconstruction drift): the
/// reference's rows, encoded and standardised, fix the principal components that keep
/// <see cref="VarianceShare"/> of their variance; a row's error is the Euclidean distance between
/// it and its reconstruction from those components. A change in how features relate to each other
/// moves rows off the reference's subspace and raises the mean error even when no feature's own
/// distribution changed. The reference's row errors give the band a window's mean is judged by:
/// their mean ± 3 standard errors for a window of that many rows.
/// </summary>
public sealed record PcaReference(string Data, long Rows, IReadOnlyList<EncodedColumn> Columns, double[,] Components, double ExplainedVariance, double MeanError, double ErrorStddev)
{
    /// <summary>An even sample of the encoded reference rows, kept for the domain classifier.</summary>
    public IReadOnlyList<double[]> Sample { get; init; } = [];

    /// <summary>The share of the reference's variance the kept components explain, at least (NannyML's default).</summary>
    public const double VarianceShare = 0.65;

    public int ComponentCount => Components.GetLength(1);

    public static PcaReference Fit(string data, IReadOnlyList<EncodedColumn> columns, IReadOnlyList<double[]> encoded)
    {
        var n = encoded.Count;
        var d = columns.Count;
        var z = Matrix<double>.Build.Dense(n, d, (i, j) => encoded[i][j]);
        var covariance = z.TransposeThisAndMultiply(z) / n;
        var evd = covariance.Evd(Symmetricity.Symmetric);
        // MathNet orders a symmetric matrix's eigenvalues ascending: take them from the largest.
        var values = evd.EigenValues.Select(v => Math.Max(v.Real, 0)).ToArray();
        var order = Enumerable.Range(0, d).OrderByDescending(i => values[i]).ToArray();
        var total = values.Sum();
        var (k, kept) = (0, 0.0);
        while (k < d && (total == 0 || kept / total < VarianceShare))
        {
            kept += values[order[k++]];
        }
        k = Math.Max(k, 1);
        var components = new double[d, k];
        for (var c = 0; c < k; c++)
        {
            for (var j = 0; j < d; j++)
            {
                components[j, c] = evd.EigenVectors[j, order[c]];
            }
        }
        var reference = new PcaReference(data, n, columns, components, total == 0 ? 1 : kept / total, 0, 0);
        var errors = encoded.Select(reference.Error).ToArray();
        var mean = errors.Average();
        var stride = Math.Max(1, (n + DomainClassifier.MaxRows - 1) / DomainClassifier.MaxRows);
        return reference with { MeanError = mean, ErrorStddev = Math.Sqrt(errors.Sum(e => (e - mean) * (e - mean)) / n), Sample = [.. encoded.Where((_, i) => i % stride == 0)] };
    }

    /// <summary>The distance between an encoded row and its reconstruction from the kept components.</summary>
    public double Error(double[] row)
    {
        var (d, k) = (Components.GetLength(0), Components.GetLength(1));
        Span<double> scores = stackalloc double[k];
        for (var c = 0; c < k; c++)
        {
            var s = 0.0;
            for (var j = 0; j < d; j++)
            {
                s += row[j] * Components[j, c];
            }
            scores[c] = s;
        }
        var squared = 0.0;
        for (var j = 0; j < d; j++)
        {
            var reconstructed = 0.0;
            for (var c = 0; c < k; c++)
            {
                reconstructed += scores[c] * Components[j, c];
            }
            squared += (row[j] - reconstructed) * (row[j] - reconstructed);
        }
        return Math.Sqrt(squared);
    }

    /// <summary>A window's verdict: its rows' mean error against the reference's band for that many rows.</summary>
    public MultivariateDrift Judge(IReadOnlyList<double[]> rows)
    {
        var error = rows.Average(Error);
        var margin = 3 * ErrorStddev / Math.Sqrt(rows.Count);
        return new MultivariateDrift(MultivariateDrift.Pca, error, MeanError, MeanError - margin, MeanError + margin,
            error > MeanError + margin || error < MeanError - margin, ComponentCount, ExplainedVariance, [.. Columns.Select(c => c.Name)]);
    }
}
