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
    /// <summary>Discrete columns counted in one scan: GROUPING's bit mask is a 64-bit integer.</summary>
    private const int DiscreteColumnsPerScan = 62;

    public Task<ReferenceStatistics> ComputeAsync(string path, DatasetVersion version, CancellationToken ct) =>
        Task.Run(() => Compute(path, version, ct), ct);

    public Task<ReferenceStatistics> ComputeWindowAsync(string path, DatasetVersion version, CancellationToken ct) =>
        Task.Run(() => ComputeWindow(path, version, ct), ct);

    /// <summary>
    /// A monitoring window's statistics: one exact scan for every numeric column's counts and
    /// moments; the quantile grids from the finite values of a uniform (Bernoulli) sample of at most
    /// <see cref="ReferenceSettings.WindowSampleRows"/> rows, sorted here; one grouping per discrete
    /// column. A window no larger than the sample gets exact quantiles (and its values, when few).
    /// </summary>
    private ReferenceStatistics ComputeWindow(string path, DatasetVersion version, CancellationToken ct)
    {
        using var spilling = DuckDbSql.Open(tempDirectory, ct);
        var connection = spilling.Connection;
        if (version.Format == DatasetFormat.Parquet)
        {
            // One scan: reading the file in place is faster than copying it into a table first.
            DuckDbSql.Execute(connection, $"CREATE VIEW data AS SELECT * FROM read_parquet({DuckDbSql.Literal(path)})");
        }
        else
        {
            DuckDbTableLoader.LoadStored(spilling, path, version);
        }
        var compared = version.Columns.Where(c => c.Role is ColumnRole.Feature or ColumnRole.Label && c.Type is not (ColumnType.Text or ColumnType.Datetime)).ToList();
        var numeric = compared.Where(c => c.Type is ColumnType.Integer or ColumnType.Float).ToList();
        // Moments without a finite-values filter, which tripled the scan's time: a window holding
        // infinities gets infinite moments (the tests read the quantiles, which leave them out).
        var moments = numeric.Select(c => DuckDbSql.Quote(c.Name))
            .Select(x => $"count({x}), count(*) - count({x}), avg({x}), stddev_pop({x}), min({x}), max({x})").Prepend("count(*)");
        var (rows, exact) = DuckDbSql.Query(connection, $"SELECT {string.Join(", ", moments)} FROM data", r =>
            (r.GetInt64(0), numeric.Select((_, k) => 1 + (k * 6))
                .Select(i => (Count: r.GetInt64(i), Missing: r.GetInt64(i + 1), Mean: Nullable(r, i + 2), Stddev: Nullable(r, i + 3), Min: Nullable(r, i + 4), Max: Nullable(r, i + 5)))
                .ToList()))[0];
        var sampled = rows > ReferenceSettings.WindowSampleRows;
        var sorted = numeric.Count == 0 ? [] : SortedSample(connection, numeric, rows);
        var byName = new Dictionary<string, ColumnReference>();
        for (var k = 0; k < numeric.Count; k++)
        {
            var values = sorted[k];
            var column = new ColumnReference(numeric[k].Name, numeric[k].Type, exact[k].Count, exact[k].Missing, DistinctSorted(values), exact[k].Mean, exact[k].Stddev,
                exact[k].Min, exact[k].Max, values.Length == 0 ? null : Grid(values), QuantilesApproximate: sampled);
            byName[column.Name] = !sampled && column.Count <= ReferenceSettings.ExactMaxValues && values.Length > 0 ? column with { Values = [.. values] } : column;
        }
        var discrete = Discrete(connection, compared.Where(c => !byName.ContainsKey(c.Name)).ToList());
        var result = compared.Select(c => !byName.TryGetValue(c.Name, out var column) ? discrete[c.Name]
            : column.Distinct <= ReferenceSettings.NumericCountsMaxDistinct ? column with { Counts = ValueCounts(connection, c, ReferenceSettings.MaxCategories) }
            : column).ToList();
        return new ReferenceStatistics(version.Name, version.Version, rows, result);
    }

    /// <summary>
    /// Each numeric column's finite values from a uniform sample of the window (all of it when it is
    /// small), sorted. A sample quantile's rank is off by about √(p(1−p)/n): 0.0011 at the median for
    /// 200,000 rows, well below any drift threshold. Sorting here beats DuckDB's t-digest, whose
    /// grid of 1,001 points cost about 70 ms a column.
    /// </summary>
    private static double[][] SortedSample(DuckDBConnection connection, IReadOnlyList<ColumnSchema> numeric, long rows)
    {
        var sample = rows > ReferenceSettings.WindowSampleRows
            ? $" USING SAMPLE {(100.0 * ReferenceSettings.WindowSampleRows / rows).ToString("0.######", CultureInfo.InvariantCulture)} PERCENT (bernoulli, 17)"
            : "";
        var values = numeric.Select(_ => new List<double>((int)Math.Min(rows, ReferenceSettings.WindowSampleRows * 11 / 10))).ToArray();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT {string.Join(", ", numeric.Select(c => $"{DuckDbSql.Quote(c.Name)}::DOUBLE"))} FROM data{sample}";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                for (var k = 0; k < values.Length; k++)
                {
                    if (!reader.IsDBNull(k) && reader.GetDouble(k) is var v && double.IsFinite(v))
                    {
                        values[k].Add(v);
                    }
                }
            }
        }
        var sorted = new double[values.Length][];
        Parallel.For(0, values.Length, k =>
        {
            sorted[k] = [.. values[k]];
            Array.Sort(sorted[k]);
        });
        return sorted;
    }

    /// <summary>The quantile grid of sorted values, interpolated linearly between order statistics (NumPy's default), as the reference's.</summary>
    private static List<double> Grid(double[] sorted)
    {
        var n = sorted.Length;
        return [.. Enumerable.Range(0, ReferenceSettings.QuantilePoints).Select(i =>
        {
            var p = i / (double)(ReferenceSettings.QuantilePoints - 1) * (n - 1);
            var below = (int)Math.Floor(p);
            var above = Math.Min(below + 1, n - 1);
            return sorted[below] + ((p - below) * (sorted[above] - sorted[below]));
        })];
    }

    private static long DistinctSorted(double[] sorted)
    {
        long distinct = sorted.Length == 0 ? 0 : 1;
        for (var i = 1; i < sorted.Length; i++)
        {
            distinct += sorted[i] != sorted[i - 1] ? 1 : 0;
        }
        return distinct;
    }

    private ReferenceStatistics Compute(string path, DatasetVersion version, CancellationToken ct)
    {
        using var spilling = DuckDbSql.Open(tempDirectory, ct);
        var connection = spilling.Connection;
        DuckDbTableLoader.LoadStored(spilling, path, version);
        var rows = DuckDbSql.Query(connection, "SELECT count(*) FROM data", r => r.GetInt64(0))[0];
        var compared = version.Columns
            .Where(c => c.Role is ColumnRole.Feature or ColumnRole.Label)
            .Where(c => c.Type is not (ColumnType.Text or ColumnType.Datetime))
            .ToList();
        var discrete = Discrete(connection, compared.Where(c => c.Type is not (ColumnType.Integer or ColumnType.Float)).ToList());
        var columns = compared.Select(c => discrete.TryGetValue(c.Name, out var counted) ? counted : Numeric(connection, c)).ToList();
        return new ReferenceStatistics(version.Name, version.Version, rows, columns);
    }

    private static ColumnReference Numeric(DuckDBConnection connection, ColumnSchema column)
    {
        var x = $"{DuckDbSql.Quote(column.Name)}::DOUBLE";
        var finite = $"FILTER (WHERE isfinite({x}))";
        var reference = DuckDbSql.Query(connection,
            $"SELECT count({x}), count(*) - count({x}), count(DISTINCT {x}), avg({x}) {finite}, stddev_pop({x}) {finite}, min({x}) {finite}, max({x}) {finite}, " +
            $"count({x}) {finite} FROM data",
            r => (new ColumnReference(column.Name, column.Type, r.GetInt64(0), r.GetInt64(1), r.GetInt64(2),
                Nullable(r, 3), Nullable(r, 4), Nullable(r, 5), Nullable(r, 6)), r.GetInt64(7)))[0];
        reference.Item1 = reference.Item1 with { Quantiles = reference.Item2 == 0 ? null : QuantileGrid(connection, x, reference.Item2) };
        return Finish(connection, column, x, finite, reference.Item1);
    }

    /// <summary>
    /// The exact quantile grid (linear interpolation between the order statistics around p·(n − 1))
    /// from one sort of the column: only the order statistics the grid needs are read back.
    /// DuckDB's <c>quantile_cont</c> with a list of 1,001 points selects each separately, which took
    /// minutes on a million rows.
    /// </summary>
    private static List<double> QuantileGrid(DuckDBConnection connection, string x, long n)
    {
        var positions = Enumerable.Range(0, ReferenceSettings.QuantilePoints)
            .Select(i => i / (double)(ReferenceSettings.QuantilePoints - 1) * (n - 1))
            .ToList();
        var needed = positions.SelectMany(p => new[] { (long)Math.Floor(p), (long)Math.Ceiling(p) }).Distinct().Order().ToList();
        var at = new Dictionary<long, double>();
        var list = string.Join(", ", needed.Select(k => k.ToString(CultureInfo.InvariantCulture)));
        foreach (var (k, v) in DuckDbSql.Query(connection,
            $"SELECT k, v FROM (SELECT {x} AS v, row_number() OVER (ORDER BY {x}) - 1 AS k FROM data WHERE isfinite({x})) WHERE k IN ({list})",
            r => (r.GetInt64(0), r.GetDouble(1))))
        {
            at[k] = v;
        }
        return [.. positions.Select(p =>
        {
            var below = (long)Math.Floor(p);
            var above = (long)Math.Ceiling(p);
            return at[below] + ((p - below) * (at[above] - at[below]));
        })];
    }

    private static ColumnReference Finish(DuckDBConnection connection, ColumnSchema column, string x, string finite, ColumnReference reference)
    {
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

    /// <summary>
    /// Discrete columns' counts, missing, distinct values and most frequent values (at most
    /// <see cref="ReferenceSettings.MaxCategories"/>), by name: one scan for up to
    /// <see cref="DiscreteColumnsPerScan"/> columns, with a grouping set each, where a column took
    /// two scans of its own. Values are grouped as text (<see cref="AsText"/>), as they are compared.
    /// </summary>
    private static Dictionary<string, ColumnReference> Discrete(DuckDBConnection connection, IReadOnlyList<ColumnSchema> columns)
    {
        var result = new Dictionary<string, ColumnReference>();
        foreach (var chunk in columns.Chunk(DiscreteColumnsPerScan))
        {
            var keys = chunk.Select(c => DuckDbSql.Quote(c.Name)).ToList();
            // GROUPING(...) sets the bit of every column a set leaves out, the first column's highest:
            // in the grouping set of column k all bits are set but its own.
            var all = (1L << chunk.Length) - 1;
            var setOf = chunk.Select((_, k) => all - (1L << (chunk.Length - 1 - k))).ToList();
            var stats = chunk.Select(_ => (Count: 0L, Missing: 0L, Distinct: 0L)).ToArray();
            var counts = chunk.Select(_ => new List<ValueCount>()).ToArray();
            DuckDbSql.Query(connection, $"""
                WITH groups AS (
                    SELECT GROUPING({string.Join(", ", keys)}) AS g, COALESCE({string.Join(", ", chunk.Select(AsText))}) AS v, count(*) AS n
                    FROM data GROUP BY GROUPING SETS ({string.Join(", ", keys.Select(k => $"({k})"))})
                )
                SELECT g, v, n,
                    CAST(sum(CASE WHEN v IS NULL THEN 0 ELSE n END) OVER per_column AS BIGINT),
                    CAST(sum(CASE WHEN v IS NULL THEN n ELSE 0 END) OVER per_column AS BIGINT),
                    count(v) OVER per_column
                FROM groups
                WINDOW per_column AS (PARTITION BY g)
                QUALIFY row_number() OVER (PARTITION BY g ORDER BY v IS NULL, n DESC, v) <= {ReferenceSettings.MaxCategories}
                ORDER BY g, v IS NULL, n DESC, v
                """, r =>
            {
                var k = setOf.IndexOf(r.GetInt64(0));
                stats[k] = (r.GetInt64(3), r.GetInt64(4), r.GetInt64(5));
                if (!r.IsDBNull(1))
                {
                    counts[k].Add(new ValueCount(r.GetString(1), r.GetInt64(2)));
                }
                return k;
            });
            for (var k = 0; k < chunk.Length; k++)
            {
                var (count, missing, distinct) = stats[k];
                result[chunk[k].Name] = new ColumnReference(chunk[k].Name, chunk[k].Type, count, missing, distinct, Counts: counts[k],
                    OtherCount: count - counts[k].Sum(v => v.Count));
            }
        }
        return result;
    }

    /// <summary>A column's values as text, as counts keep them: booleans read true/false, also when a schema declared 0/1 integers boolean.</summary>
    private static string AsText(ColumnSchema column)
    {
        var c = DuckDbSql.Quote(column.Name);
        return column.Type == ColumnType.Boolean ? $"{c}::BOOLEAN::VARCHAR" : $"{c}::VARCHAR";
    }

    /// <summary>
    /// The most frequent values, most frequent first (ties by value), as text: booleans read
    /// true/false, also when a schema declared 0/1 integers boolean.
    /// </summary>
    private static List<ValueCount> ValueCounts(DuckDBConnection connection, ColumnSchema column, long limit)
    {
        var c = DuckDbSql.Quote(column.Name);
        return DuckDbSql.Query(connection,
            $"SELECT {AsText(column)} AS v, count(*) AS n FROM data WHERE {c} IS NOT NULL GROUP BY v ORDER BY n DESC, v LIMIT {limit}",
            r => new ValueCount(r.GetString(0), r.GetInt64(1)));
    }

    private static double? Nullable(System.Data.Common.DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToDouble(r.GetValue(i), CultureInfo.InvariantCulture);

    private static List<double> Doubles(object list) => ((IEnumerable)list).Cast<object>().Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToList();
}
