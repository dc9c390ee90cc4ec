using System.Collections;
using System.Globalization;
using DuckDB.NET.Data;
using Gyre.Core.Data;

namespace Gyre.Storage.Data;

/// <summary>
/// Computes a <see cref="DatasetProfile"/> with DuckDB over a table already loaded in the
/// connection. Statistics of all columns are asked for in a few wide queries rather than many
/// narrow ones, so that DuckDB scans the table few times and spreads the work over its threads.
/// </summary>
internal static class DuckDbProfiler
{
    /// <summary>Whether a table this large gets sketches instead of exact distinct counts and quantiles.</summary>
    public static bool Approximate(long rows) => rows > ProfileSettings.ExactMaxRows;

    public static DatasetProfile Profile(DuckDBConnection connection, string table, IReadOnlyList<ColumnSchema> columns, IReadOnlyList<ColumnCounts> basics, long rows)
    {
        var approximate = Approximate(rows);
        // Above the exact size, distinct rows are counted by a 64-bit hash of each row: two
        // different rows collide with a chance under 1e-7 at a million rows, and it is twice as fast.
        var distinctRows = approximate
            ? Scalar(connection, $"SELECT count(DISTINCT hash({string.Join(", ", columns.Select(c => DuckDbSql.Quote(c.Name)))})) FROM {table}")
            : Scalar(connection, $"SELECT count(*) FROM (SELECT DISTINCT * FROM {table})");
        var numeric = Numeric(connection, table, columns.Where(c => c.Type is ColumnType.Integer or ColumnType.Float).ToList(), approximate);
        var profiles = columns.Select((column, i) =>
        {
            var profile = new ColumnProfile(column.Name, column.Type, basics[i].Count, basics[i].Missing, basics[i].Distinct, approximate);
            if (profile.Count == 0)
            {
                return profile;
            }
            var c = DuckDbSql.Quote(column.Name);
            return column.Type switch
            {
                ColumnType.Integer or ColumnType.Float => WithHistogram(connection, table, c, numeric[column.Name](profile)),
                ColumnType.Datetime => DuckDbSql.Query(connection, $"SELECT min({c})::VARCHAR, max({c})::VARCHAR FROM {table}",
                    r => profile with { First = r.GetString(0), Last = r.GetString(1) })[0],
                _ => profile with { TopValues = TopValues(connection, table, c) },
            };
        }).ToList();
        return new DatasetProfile(rows, rows - distinctRows, profiles);
    }

    /// <summary>Count, missing and distinct of every column, in one query (schema inference needs them too).</summary>
    public static List<ColumnCounts> Counts(DuckDBConnection connection, string table, IReadOnlyList<string> columns, long rows)
    {
        var parts = columns.Select(name =>
        {
            var c = DuckDbSql.Quote(name);
            return $"count({c}), {(Approximate(rows) ? $"approx_count_distinct({c})" : $"count(DISTINCT {c})")}";
        });
        var values = DuckDbSql.Query(connection, $"SELECT {string.Join(", ", parts)} FROM {table}",
            r => Enumerable.Range(0, r.FieldCount).Select(r.GetInt64).ToArray())[0];
        return columns.Select((_, i) => new ColumnCounts(values[2 * i], rows - values[2 * i], values[1 + (2 * i)])).ToList();
    }

    /// <summary>Min, max, mean, both standard deviations and the quantiles of every numeric column, in one query.</summary>
    private static Dictionary<string, Func<ColumnProfile, ColumnProfile>> Numeric(DuckDBConnection connection, string table, IReadOnlyList<ColumnSchema> columns, bool approximate)
    {
        var quantile = approximate ? "approx_quantile" : "quantile_cont";
        if (columns.Count == 0)
        {
            return [];
        }
        var quantiles = "[" + string.Join(", ", ProfileSettings.Quantiles.Select(q => q.ToString("R", CultureInfo.InvariantCulture))) + "]";
        var parts = columns.Select(column =>
        {
            var x = $"{DuckDbSql.Quote(column.Name)}::DOUBLE";
            // DuckDB refuses a standard deviation over infinities; NumPy's would be NaN, reported here as none.
            var finite = $"bool_and(isfinite({x}))";
            return $"min({x}), max({x}), avg({x}), CASE WHEN {finite} THEN stddev_samp({x}) FILTER (WHERE isfinite({x})) END, "
                + $"CASE WHEN {finite} THEN stddev_pop({x}) FILTER (WHERE isfinite({x})) END, {quantile}({x}, {quantiles})";
        });
        return DuckDbSql.Query(connection, $"SELECT {string.Join(", ", parts)} FROM {table}", r =>
            columns.Select((column, i) =>
            {
                var o = i * 6;
                if (r.IsDBNull(o))
                {
                    return (column.Name, Apply: (Func<ColumnProfile, ColumnProfile>)(p => p));
                }
                var values = ((IEnumerable)r.GetValue(o + 5)).Cast<object>().Select(Convert.ToDouble).ToList();
                var (min, max, mean) = (r.GetDouble(o), r.GetDouble(o + 1), r.GetDouble(o + 2));
                double? stddev = r.IsDBNull(o + 3) ? null : r.GetDouble(o + 3);
                double? population = r.IsDBNull(o + 4) ? null : r.GetDouble(o + 4);
                return (column.Name, Apply: (Func<ColumnProfile, ColumnProfile>)(p => p with
                {
                    Min = min,
                    Max = max,
                    Mean = mean,
                    Stddev = stddev,
                    StddevPopulation = population,
                    Quantiles = ProfileSettings.Quantiles.Select((q, k) => (ProfileSettings.QuantileKey(q), values[k])).ToDictionary(x => x.Item1, x => x.Item2),
                    QuantilesApproximate = approximate,
                }));
            }).ToDictionary(x => x.Name, x => x.Apply))[0];
    }

    private static ColumnProfile WithHistogram(DuckDBConnection connection, string table, string c, ColumnProfile profile) =>
        profile.Min is { } min && profile.Max is { } max
            ? profile with { Histogram = Histogram(connection, table, $"{c}::DOUBLE", min, max, profile.Count) }
            : profile;

    /// <summary>Equal-width bins from min to max; the maximum falls in the last bin.</summary>
    private static List<HistogramBin> Histogram(DuckDBConnection connection, string table, string x, double min, double max, long count)
    {
        var bins = ProfileSettings.HistogramBins;
        var width = (max - min) / bins;
        // One bin when all values are equal, or when infinities or NaN make equal widths meaningless.
        if (!(max > min) || !double.IsFinite(width) || !double.IsFinite(min))
        {
            return [new HistogramBin(min, max, count)];
        }
        var counts = DuckDbSql.Query(connection,
            $"SELECT least(CAST(floor(({x} - {DuckDbSql.Number(min)}) / {DuckDbSql.Number(width)}) AS BIGINT), {bins - 1}) AS bin, count(*) FROM {table} WHERE {x} IS NOT NULL GROUP BY bin",
            r => (Bin: r.GetInt64(0), Count: r.GetInt64(1))).ToDictionary(b => b.Bin, b => b.Count);
        return Enumerable.Range(0, bins)
            .Select(i => new HistogramBin(min + (i * width), i == bins - 1 ? max : min + ((i + 1) * width), counts.GetValueOrDefault(i)))
            .ToList();
    }

    private static List<ValueCount> TopValues(DuckDBConnection connection, string table, string c) =>
        DuckDbSql.Query(connection,
            $"SELECT {c}::VARCHAR AS v, count(*) AS n FROM {table} WHERE {c} IS NOT NULL GROUP BY v ORDER BY n DESC, v LIMIT {ProfileSettings.TopValues}",
            r => new ValueCount(r.GetString(0), r.GetInt64(1)));

    private static long Scalar(DuckDBConnection connection, string sql) => DuckDbSql.Query(connection, sql, r => r.GetInt64(0))[0];
}
