using System.Collections;
using System.Globalization;
using DuckDB.NET.Data;
using Gyre.Core.Data;
using Gyre.Core.Data.Reference;
using Gyre.Core.Data.Schemas;

namespace Gyre.Storage.Data;

/// <summary>
/// Computes reference statistics with DuckDB over a stored version. Quantiles are exact (linear
/// interpolation, NumPy's default), whatever the size: they are computed once per training
/// version, and drift tests read the Wasserstein distance off them. Statistics are over the finite
/// values; <c>Count</c> is every non-missing value.
/// </summary>
internal sealed class DuckDbReferenceComputer(string tempDirectory) : IReferenceComputer
{
    public Task<ReferenceStatistics> ComputeAsync(string path, DatasetVersion version, CancellationToken ct) =>
        Task.Run(() => Compute(path, version, ct), ct);

    private ReferenceStatistics Compute(string path, DatasetVersion version, CancellationToken ct)
    {
        using var spilling = DuckDbSql.Open(tempDirectory, ct);
        var connection = spilling.Connection;
        DuckDbTableLoader.LoadStored(spilling, path, version);
        var rows = DuckDbSql.Query(connection, "SELECT count(*) FROM data", r => r.GetInt64(0))[0];
        var columns = version.Columns
            .Where(c => c.Role is ColumnRole.Feature or ColumnRole.Label)
            .Where(c => c.Type is not (ColumnType.Text or ColumnType.Datetime))
            .Select(c => c.Type is ColumnType.Integer or ColumnType.Float ? Numeric(connection, c) : Discrete(connection, c))
            .ToList();
        return new ReferenceStatistics(version.Name, version.Version, rows, columns);
    }

    private static ColumnReference Numeric(DuckDBConnection connection, ColumnSchema column)
    {
        var x = $"{DuckDbSql.Quote(column.Name)}::DOUBLE";
        var grid = "[" + string.Join(", ", Enumerable.Range(0, ReferenceSettings.QuantilePoints)
            .Select(i => (i / (double)(ReferenceSettings.QuantilePoints - 1)).ToString("R", CultureInfo.InvariantCulture))) + "]";
        var finite = $"FILTER (WHERE isfinite({x}))";
        var reference = DuckDbSql.Query(connection,
            $"SELECT count({x}), count(*) - count({x}), count(DISTINCT {x}), avg({x}) {finite}, stddev_pop({x}) {finite}, min({x}) {finite}, max({x}) {finite}, " +
            $"quantile_cont({x}, {grid}) {finite} FROM data",
            r => new ColumnReference(column.Name, column.Type, r.GetInt64(0), r.GetInt64(1), r.GetInt64(2),
                Nullable(r, 3), Nullable(r, 4), Nullable(r, 5), Nullable(r, 6),
                r.IsDBNull(7) ? null : Doubles(r.GetValue(7))))[0];
        if (reference.Quantiles is not { } quantiles)
        {
            return reference;
        }
        if (reference.Count <= ReferenceSettings.ExactMaxValues)
        {
            reference = reference with
            {
                Values = DuckDbSql.Query(connection, $"SELECT list({x} ORDER BY {x}) {finite} FROM data", r => Doubles(r.GetValue(0)))[0],
            };
        }
        if (reference.Distinct <= ReferenceSettings.NumericCountsMaxDistinct)
        {
            reference = reference with { Counts = ValueCounts(connection, column, reference.Distinct) };
        }
        return reference with { Bins = DecileBins(connection, x, quantiles) };
    }

    /// <summary>Bins between the reference's deciles (repeated edges merged): the last bin is closed on the right.</summary>
    private static List<HistogramBin> DecileBins(DuckDBConnection connection, string x, IReadOnlyList<double> quantiles)
    {
        var step = (ReferenceSettings.QuantilePoints - 1) / ReferenceSettings.PsiBins;
        var edges = Enumerable.Range(0, ReferenceSettings.PsiBins + 1).Select(i => quantiles[i * step]).Distinct().ToList();
        if (edges.Count == 1)
        {
            edges.Add(edges[0]);
        }
        var bins = Enumerable.Range(0, edges.Count - 1).Select(i =>
        {
            var upper = i == edges.Count - 2 ? "<=" : "<";
            return $"count(*) FILTER (WHERE {x} >= {DuckDbSql.Number(edges[i])} AND {x} {upper} {DuckDbSql.Number(edges[i + 1])})";
        });
        var counts = DuckDbSql.Query(connection, $"SELECT {string.Join(", ", bins)} FROM data",
            r => Enumerable.Range(0, r.FieldCount).Select(r.GetInt64).ToArray())[0];
        return counts.Select((count, i) => new HistogramBin(edges[i], edges[i + 1], count)).ToList();
    }

    private static ColumnReference Discrete(DuckDBConnection connection, ColumnSchema column)
    {
        var c = DuckDbSql.Quote(column.Name);
        var (count, missing, distinct) = DuckDbSql.Query(connection, $"SELECT count({c}), count(*) - count({c}), count(DISTINCT {c}) FROM data",
            r => (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)))[0];
        var counts = ValueCounts(connection, column, ReferenceSettings.MaxCategories);
        return new ColumnReference(column.Name, column.Type, count, missing, distinct, Counts: counts, OtherCount: count - counts.Sum(v => v.Count));
    }

    /// <summary>
    /// The most frequent values, most frequent first (ties by value), as text: booleans read
    /// true/false, also when a schema declared 0/1 integers boolean.
    /// </summary>
    private static List<ValueCount> ValueCounts(DuckDBConnection connection, ColumnSchema column, long limit)
    {
        var c = DuckDbSql.Quote(column.Name);
        var text = column.Type == ColumnType.Boolean ? $"{c}::BOOLEAN::VARCHAR" : $"{c}::VARCHAR";
        return DuckDbSql.Query(connection,
            $"SELECT {text} AS v, count(*) AS n FROM data WHERE {c} IS NOT NULL GROUP BY v ORDER BY n DESC, v LIMIT {limit}",
            r => new ValueCount(r.GetString(0), r.GetInt64(1)));
    }

    private static double? Nullable(System.Data.Common.DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static List<double> Doubles(object list) => ((IEnumerable)list).Cast<object>().Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToList();
}
