using Gyre.Core.Models;

namespace Gyre.Core.Monitoring.Multivariate;

/// <summary>
/// A reference file's columns read for the monitor's estimators, each as numbers (NaN where missing)
/// or, for a categorical column, texts; every <c>stride</c>-th row, in file order. Then encoded as
/// <see cref="EncodedColumn"/>s and row vectors.
/// </summary>
public sealed record ReferenceColumns(IReadOnlyList<EncodedColumn> Encodings, IReadOnlyList<double[]> Rows)
{
    public static ReferenceColumns Read(IFeatureFile file, IReadOnlyList<(string Name, bool Categorical)> columns, int stride)
    {
        var numbers = columns.Select(_ => new List<double>()).ToArray();
        var texts = columns.Select(_ => new List<string?>()).ToArray();
        long row = 0;
        var inputs = columns.Select(c => new ModelInput(c.Name, c.Categorical, c.Categorical ? TensorDataTypes.Bytes : TensorDataTypes.Fp64)).ToList();
        foreach (var batch in file.Read(inputs, 10_000))
        {
            for (var i = 0; i < batch.Rows; i++, row++)
            {
                if (row % stride != 0)
                {
                    continue;
                }
                for (var j = 0; j < columns.Count; j++)
                {
                    if (columns[j].Categorical)
                    {
                        texts[j].Add(batch.Columns[j].Texts![i]);
                    }
                    else
                    {
                        numbers[j].Add(batch.Columns[j].Numbers![i]);
                    }
                }
            }
        }
        var encodings = columns.Select((c, j) => EncodedColumn.Fit(c.Name, c.Categorical ? null : [.. numbers[j]], c.Categorical ? [.. texts[j]] : null)).ToList();
        var n = columns[0].Categorical ? texts[0].Count : numbers[0].Count;
        var rows = Enumerable.Range(0, n).Select(i => encodings.Select((e, j) => e.Encode(columns[j].Categorical ? double.NaN : numbers[j][i], columns[j].Categorical ? texts[j][i] : null)).ToArray()).ToList();
        return new ReferenceColumns(encodings, rows);
    }
}
