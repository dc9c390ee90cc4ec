using Gyre.Core.Models;

namespace Gyre.Core.Serving.Batching;

/// <summary>Several requests' rows as one batch, in order: every column's values one after another.</summary>
internal static class FeatureBatches
{
    public static FeatureBatch Concat(IReadOnlyList<FeatureBatch> batches)
    {
        var rows = batches.Sum(b => b.Rows);
        var first = batches[0];
        var columns = new FeatureColumn[first.Columns.Count];
        for (var j = 0; j < columns.Length; j++)
        {
            var numbers = first.Columns[j].Numbers is null ? null : new double[rows];
            var texts = numbers is null ? new string?[rows] : null;
            var at = 0;
            foreach (var batch in batches)
            {
                var column = batch.Columns[j];
                if (numbers is not null)
                {
                    Array.Copy(column.Numbers!, 0, numbers, at, batch.Rows);
                }
                else
                {
                    Array.Copy(column.Texts!, 0, texts!, at, batch.Rows);
                }
                at += batch.Rows;
            }
            columns[j] = new FeatureColumn(first.Columns[j].Name, numbers, texts);
        }
        return new FeatureBatch(rows, columns);
    }
}
