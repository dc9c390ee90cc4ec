using System.Globalization;
using Gyre.Core.Data;
using Gyre.Core.Features;
using Gyre.Storage.Data;

namespace Gyre.Storage.Features;

/// <summary>
/// Point-in-time joins with DuckDB's <c>ASOF LEFT JOIN</c>: each group's parts are loaded and made one
/// table of its latest row per entity key and event time (the part ingested last, then the file's
/// last row, wins a tie), then every entity row takes from each group the row with its key and the
/// greatest event time at or before its own timestamp. Keys compare as text (a key "007" stays
/// "007"), times as instants in UTC. A value older than the group's time-to-live is missing.
/// </summary>
internal sealed class DuckDbTrainingSetJoiner(string tempDirectory) : ITrainingSetJoiner
{
    public Task<long> JoinAsync(TrainingSetEntities entities, IReadOnlyList<TrainingSetGroup> groups, string output, DatasetFormat format, CancellationToken ct) =>
        Task.Run(() =>
        {
            using var spilling = DuckDbSql.Open(tempDirectory, ct);
            var connection = spilling.Connection;
            var keys = groups.SelectMany(g => g.Group.Entities).Distinct(StringComparer.Ordinal).ToList();
            DuckDbTableLoader.LoadStored(spilling, entities.Path, entities.Version, textColumns: Text(entities.Version, keys));
            DuckDbSql.Execute(connection, $"CREATE TABLE entity_rows AS SELECT row_number() OVER () AS {Row}, * FROM {DuckDbTableLoader.Table}");
            DuckDbSql.Execute(connection, $"DROP TABLE {DuckDbTableLoader.Table}");

            var select = new List<string> { "e.* EXCLUDE (" + Row + ")" };
            var joins = new List<string>();
            var at = $"CAST(e.{Q(entities.Timestamp)} AS TIMESTAMPTZ)";
            for (var g = 0; g < groups.Count; g++)
            {
                var group = groups[g].Group;
                var table = $"g{g}";
                Latest(spilling, groups[g], table);
                var on = string.Join(" AND ", group.Entities.Select((k, i) => $"CAST(e.{Q(k)} AS VARCHAR) = {table}.{Key(i)}"));
                joins.Add($"ASOF LEFT JOIN {table} ON {on} AND {at} >= {table}.{Time}");
                foreach (var feature in groups[g].Features)
                {
                    select.Add(group.TtlSeconds is { } ttl
                        ? $"CASE WHEN {at} - {table}.{Time} <= to_seconds({ttl.ToString(CultureInfo.InvariantCulture)}) THEN {table}.{Q(feature)} END AS {Q(feature)}"
                        : $"{table}.{Q(feature)} AS {Q(feature)}");
                }
            }
            var options = format == DatasetFormat.Csv ? "FORMAT csv, HEADER true" : "FORMAT parquet";
            DuckDbSql.Execute(connection, $"COPY (SELECT {string.Join(", ", select)} FROM entity_rows e {string.Join(" ", joins)} ORDER BY e.{Row}) TO {DuckDbSql.Literal(output)} ({options})");
            return DuckDbSql.Query(connection, "SELECT count(*) FROM entity_rows", r => r.GetInt64(0))[0];
        }, ct);

    private const string Row = "__gyre_row";
    private const string Time = "__gyre_time";

    private static string Key(int i) => $"__gyre_key{i}";

    private static string Q(string name) => DuckDbSql.Quote(name);

    /// <summary>The key columns a CSV version holds, read as written.</summary>
    private static List<string> Text(DatasetVersion version, IEnumerable<string> keys) =>
        [.. keys.Where(k => version.Columns.Any(c => c.Name == k))];

    /// <summary>Loads a group's parts into one table of its latest row per key and event time: the keys as text, the time as an instant, the features asked for.</summary>
    private static void Latest(SpillingConnection spilling, TrainingSetGroup group, string table)
    {
        var connection = spilling.Connection;
        var entities = group.Group.Entities;
        var columns = string.Join(", ", [.. entities.Select((k, i) => $"CAST({Q(k)} AS VARCHAR) AS {Key(i)}"),
            $"CAST({Q(group.Group.EventTime)} AS TIMESTAMPTZ) AS {Time}", .. group.Features.Select(Q)]);
        var parts = new List<string>();
        for (var p = 0; p < group.Parts.Count; p++)
        {
            var (version, path) = group.Parts[p];
            DuckDbTableLoader.LoadStored(spilling, path, version, textColumns: Text(version, entities));
            DuckDbSql.Execute(connection, $"ALTER TABLE {DuckDbTableLoader.Table} RENAME TO {table}_part{p}");
            parts.Add($"SELECT {columns}, {p} AS __gyre_part, row_number() OVER () AS __gyre_line FROM {table}_part{p}");
        }
        var partition = string.Join(", ", [.. entities.Select((_, i) => Key(i)), Time]);
        DuckDbSql.Execute(connection, $"""
            CREATE TABLE {table} AS
            SELECT * EXCLUDE (__gyre_part, __gyre_line) FROM ({string.Join(" UNION ALL ", parts)})
            WHERE {Time} IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY {partition} ORDER BY __gyre_part DESC, __gyre_line DESC) = 1
            """);
        for (var p = 0; p < group.Parts.Count; p++)
        {
            DuckDbSql.Execute(connection, $"DROP TABLE {table}_part{p}");
        }
    }
}
