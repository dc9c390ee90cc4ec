using Gyre.Core.Data;
using Gyre.Core.Features;
using Gyre.Storage.Data;

namespace Gyre.Storage.Features;

/// <summary>
/// A feature group's parts in DuckDB, for the point-in-time joins and the online store: each part's
/// rows with their line, and all of them as one view in which every row has one order key.
/// </summary>
internal static class DuckDbFeatureParts
{
    public const string Line = "__gyre_line";
    public const string Time = "__gyre_time";
    public const string OrderColumn = "__gyre_order";

    /// <summary>The line's bits in a row's order after its time: the part above them (a file of up to 2³⁶ rows, 2²⁷ parts).</summary>
    public const int LineBits = 36;

    public static string Key(int i) => $"__gyre_key{i}";

    /// <summary>A column's DuckDB type in a relation.</summary>
    public static string TypeOf(DuckDB.NET.Data.DuckDBConnection connection, string relation, string column) =>
        DuckDbSql.Query(connection, $"SELECT column_type FROM (DESCRIBE SELECT {Q(column)} FROM {relation})", r => r.GetString(0))[0];

    /// <summary>
    /// Whether times of these types must be cast to instants in UTC to compare: when they differ (a
    /// CSV's naive times, a Parquet file's instants) or one is a date. Times of one type compare as
    /// they are (a cast of every row is a fifth of a join's time).
    /// </summary>
    public static bool AsInstants(IReadOnlyCollection<string> types) =>
        types.Distinct(StringComparer.Ordinal).Count() > 1 || !types.All(t => t is "TIMESTAMP" or "TIMESTAMP WITH TIME ZONE");

    /// <summary>
    /// A feature's values as one JSON object text: NaN and the infinities become null (JSON has no
    /// word for them, and a reader refuses DuckDB's bare <c>NaN</c>), as a missing value.
    /// </summary>
    public static string Json(FeatureGroup group, IReadOnlyList<string> features, string prefix) =>
        $"CAST(to_json(struct_pack({string.Join(", ", features.Select(f => $"{Q(f)} := {Finite(group, f, prefix + Q(f))}"))})) AS VARCHAR)";

    private static string Finite(FeatureGroup group, string feature, string value) => group.Features.FirstOrDefault(c => c.Name == feature) switch
    {
        { Dimensions: not null } => $"CAST({value} AS JSON)", // checked at ingest: an array of finite numbers
        { Type: ColumnType.Float } => $"CASE WHEN isfinite({value}) THEN {value} END",
        _ => value,
    };

    private static string Q(string name) => DuckDbSql.Quote(name);

    /// <summary>
    /// A stored version's rows with their line as <see cref="Line"/>: Parquet read in place, CSV loaded
    /// into a table of its own (keys read as written) by the loader every reader of a version uses.
    /// </summary>
    public static string Source(SpillingConnection spilling, DatasetVersion version, string path, IEnumerable<string> keys, string table)
    {
        if (version.Format == DatasetFormat.Parquet)
        {
            return $"SELECT * EXCLUDE (file_row_number), file_row_number AS {Line} FROM read_parquet({DuckDbSql.Literal(path)}, file_row_number = true)";
        }
        DuckDbTableLoader.LoadStored(spilling, path, version, textColumns: [.. keys.Where(k => version.Columns.Any(c => c.Name == k))]);
        DuckDbSql.Execute(spilling.Connection, $"ALTER TABLE {DuckDbTableLoader.Table} RENAME TO {table}");
        return $"SELECT *, rowid AS {Line} FROM {table}";
    }

    /// <summary>
    /// A group's parts as one view: the keys as text, the time (<paramref name="time"/>), the features
    /// asked for, and each row's order (its time, then its part's place among the group's parts, from
    /// <paramref name="firstPart"/>, then its line).
    /// </summary>
    public static void View(DuckDB.NET.Data.DuckDBConnection connection, FeatureGroup group, IReadOnlyList<string> features, IReadOnlyList<string> sources, int firstPart, string time, string view)
    {
        var entities = group.Entities;
        var parts = sources.Select((source, p) =>
        {
            var columns = string.Join(", ", [.. entities.Select((k, i) => $"CAST({Q(k)} AS VARCHAR) AS {Key(i)}"), $"{time} AS {Time}",
                $"struct_pack(t := {time}, o := ({firstPart + p}::BIGINT << {LineBits}) + {Line}) AS {OrderColumn}", .. features.Select(Q)]);
            // A row without its time or a key can be no entity's value at any time.
            return $"SELECT {columns} FROM ({source}) WHERE {time} IS NOT NULL{string.Concat(entities.Select(k => $" AND {Q(k)} IS NOT NULL"))}";
        });
        DuckDbSql.Execute(connection, $"CREATE VIEW {view} AS {string.Join(" UNION ALL ", parts)}");
    }
}
