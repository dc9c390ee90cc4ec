using Gyre.Core.Monitoring.Windows;

namespace Gyre.Core.Monitoring.Multivariate;

/// <summary>
/// A reference's vector inputs for the domain classifier: their encodings, and an even sample of the
/// reference's rows encoded (every vector's dimensions one after another) — the same rows, in the
/// same order, as the PCA's sample of its other features.
/// </summary>
public sealed record VectorReference(IReadOnlyList<VectorColumn> Columns, IReadOnlyList<double[]> Sample)
{
    public int Dimensions => Columns.Sum(c => c.Dimensions);

    public static VectorReference Fit(IReadOnlyList<string> names, List<double[]?>[] vectors)
    {
        var columns = names.Select((name, j) => VectorColumn.Fit(name, vectors[j])).ToList();
        var n = vectors[0].Count;
        var stride = Math.Max(1, (n + DomainClassifier.MaxRows - 1) / DomainClassifier.MaxRows);
        var sample = new List<double[]>();
        for (var i = 0; i < n; i += stride)
        {
            var row = new double[columns.Sum(c => c.Dimensions)];
            var at = 0;
            for (var j = 0; j < columns.Count; j++)
            {
                var vector = vectors[j][i];
                for (var k = 0; k < columns[j].Dimensions; k++, at++)
                {
                    row[at] = vector is { } v && v.Length == columns[j].Dimensions && double.IsFinite(v[k]) ? (v[k] - columns[j].Means[k]) / columns[j].Stddevs[k] : 0;
                }
            }
            sample.Add(row);
        }
        return new VectorReference(columns, sample);
    }

    /// <summary>Each of the window's rows' vectors, encoded one after another.</summary>
    public List<double[]> Encode(LoggedColumns window)
    {
        var encoded = Enumerable.Range(0, window.Count).Select(_ => new double[Dimensions]).ToList();
        var at = 0;
        foreach (var column in Columns)
        {
            var vectors = window.Vectors(column.Name);
            for (var r = 0; r < window.Count; r++)
            {
                column.Encode(vectors[r], encoded[r].AsSpan(at, column.Dimensions));
            }
            at += column.Dimensions;
        }
        return encoded;
    }
}
