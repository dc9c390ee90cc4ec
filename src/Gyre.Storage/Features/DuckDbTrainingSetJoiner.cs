using System.Globalization;
using Gyre.Core.Data;
using Gyre.Core.Features;
using Gyre.Storage.Data;

namespace Gyre.Storage.Features;

/// <summary>
/// Point-in-time joins with DuckDB's <c>ASOF LEFT JOIN</c>, one per group. A group's parts are one
/// view (Parquet read in place; CSV loaded with the dataset loader, which checks it as every reader
/// does), each row ordered by one key, a struct of its event time and then its part and line, so that
/// of rows with the same entity key and time the one ingested last is the greatest. Every entity row
/// takes from each group the row with its key and the greatest such order at or before its own time. Keys compare as text (a key "007" stays
/// "007"), times as they are when every side has the same type, else as instants in UTC. A value older than the group's time-to-live is missing. The
/// entity rows keep their file's order.
/// </summary>
internal sealed class DuckDbTrainingSetJoiner(string tempDirectory) : ITrainingSetJoiner
{
    public Task<long> JoinAsync(TrainingSetEntities entities, IReadOnlyList<TrainingSetGroup> groups, string output, DatasetFormat format, CancellationToken ct) =>
        Task.Run(() =>
        {
            using var spilling = DuckDbSql.Open(tempDirectory, ct);
            var connection = spilling.Connection;
            var keys = groups.SelectMany(g => g.Group.Entities).Distinct(StringComparer.Ordinal).ToList();
            DuckDbSql.Execute(connection, $"CREATE VIEW entity_rows AS {DuckDbFeatureParts.Source(spilling, entities.Version, entities.Path, keys, "entities")}");
            var (joins, at) = AsOfJoins(spilling, groups, DuckDbFeatureParts.TypeOf(connection, "entity_rows", entities.Timestamp), entities.Timestamp, k => $"CAST(e.{Q(k)} AS VARCHAR)");
            var select = new List<string> { $"e.* EXCLUDE ({DuckDbFeatureParts.Line})" };
            for (var g = 0; g < groups.Count; g++)
            {
                foreach (var feature in groups[g].Features)
                {
                    select.Add(groups[g].Group.TtlSeconds is { } ttl
                        ? $"CASE WHEN {Fresh(at, g, ttl)} THEN g{g}.{Q(feature)} END AS {Q(feature)}"
                        : $"g{g}.{Q(feature)} AS {Q(feature)}");
                }
            }
            var options = format == DatasetFormat.Csv ? "FORMAT csv, HEADER true" : "FORMAT parquet";
            DuckDbSql.Execute(connection, $"COPY (SELECT {string.Join(", ", select)} FROM entity_rows e {string.Join(" ", joins)} ORDER BY e.{DuckDbFeatureParts.Line}) TO {DuckDbSql.Literal(output)} ({options})");
            return DuckDbSql.Query(connection, "SELECT count(*) FROM entity_rows", r => r.GetInt64(0))[0];
        }, ct);

    public Task<IReadOnlyList<string?[]>> AsOfAsync(IReadOnlyList<EntityAt> rows, IReadOnlyList<TrainingSetGroup> groups, CancellationToken ct) =>
        Task.Run<IReadOnlyList<string?[]>>(() =>
        {
            using var spilling = DuckDbSql.Open(tempDirectory, ct);
            var connection = spilling.Connection;
            var keys = groups.SelectMany(g => g.Group.Entities).Distinct(StringComparer.Ordinal).ToList();
            DuckDbSql.Execute(connection, $"CREATE TABLE entity_rows ({string.Join(", ", [.. keys.Select(k => $"{Q(k)} VARCHAR"), $"{At} TIMESTAMP", $"{DuckDbFeatureParts.Line} BIGINT"])})");
            for (var first = 0; first < rows.Count; first += 1000)
            {
                var values = rows.Skip(first).Take(1000).Select((row, i) => "(" + string.Join(", ",
                    [.. keys.Select(k => row.Keys.TryGetValue(k, out var v) ? DuckDbSql.Literal(v) : "NULL"),
                        $"epoch_ms({row.Time.ToString(CultureInfo.InvariantCulture)}::BIGINT)", (first + i).ToString(CultureInfo.InvariantCulture)]) + ")");
                DuckDbSql.Execute(connection, $"INSERT INTO entity_rows VALUES {string.Join(", ", values)}");
            }
            // The rows' times are instants in UTC without a zone.
            var (joins, at) = AsOfJoins(spilling, groups, "TIMESTAMP", At, k => $"e.{Q(k)}");
            var select = new List<string> { $"e.{DuckDbFeatureParts.Line}" };
            for (var g = 0; g < groups.Count; g++)
            {
                var values = DuckDbFeatureParts.Json(groups[g].Group, groups[g].Features, $"g{g}.");
                var fresh = groups[g].Group.TtlSeconds is { } ttl ? $" AND {Fresh(at, g, ttl)}" : "";
                select.Add($"CASE WHEN g{g}.{DuckDbFeatureParts.OrderColumn} IS NOT NULL{fresh} THEN {values} END");
            }
            var found = new string?[rows.Count][];
            foreach (var row in DuckDbSql.Query(connection, $"SELECT {string.Join(", ", select)} FROM entity_rows e {string.Join(" ", joins)} ORDER BY e.{DuckDbFeatureParts.Line}",
                r => (Line: r.GetInt64(0), Values: Enumerable.Range(1, groups.Count).Select(i => r.IsDBNull(i) ? null : r.GetString(i)).ToArray())))
            {
                found[row.Line] = row.Values;
            }
            return found;
        }, ct);

    /// <summary>
    /// The <c>ASOF LEFT JOIN</c> of the entity rows (<c>e</c>) with each group's parts as the view
    /// <c>gN</c>, and the entity row's time as the joins compare it (<see cref="DuckDbFeatureParts.AsInstants"/>).
    /// </summary>
    private static (List<string> Joins, string At) AsOfJoins(SpillingConnection spilling, IReadOnlyList<TrainingSetGroup> groups, string entityTimeType, string entityTime,
        Func<string, string> entityKey)
    {
        var connection = spilling.Connection;
        var sources = groups.Select((g, i) => g.Parts.Select((part, p) => DuckDbFeatureParts.Source(spilling, part.Version, part.Path, g.Group.Entities, $"g{i}_part{p}")).ToList()).ToList();
        var cast = DuckDbFeatureParts.AsInstants([entityTimeType, .. groups.SelectMany((g, i) => sources[i].Select(source => DuckDbFeatureParts.TypeOf(connection, $"({source})", g.Group.EventTime)))]);
        string Instant(string column) => cast ? $"CAST({column} AS TIMESTAMPTZ)" : column;
        var at = Instant($"e.{Q(entityTime)}");
        var joins = new List<string>();
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g].Group;
            var view = $"g{g}";
            DuckDbFeatureParts.View(connection, group, groups[g].Features, sources[g], 0, Instant(Q(group.EventTime)), view);
            var on = string.Join(" AND ", group.Entities.Select((k, i) => $"{entityKey(k)} = {view}.{DuckDbFeatureParts.Key(i)}"));
            // An entity row's own order ends past every part and line of its time.
            joins.Add($"ASOF LEFT JOIN {view} ON {on} AND struct_pack(t := {at}, o := {long.MaxValue}::BIGINT) >= {view}.{DuckDbFeatureParts.OrderColumn}");
        }
        return (joins, at);
    }

    /// <summary>Whether group <paramref name="g"/>'s value is within its time-to-live at the entity row's time (exactly <paramref name="ttl"/> seconds old still is).</summary>
    private static string Fresh(string at, int g, long ttl) => $"{at} - g{g}.{DuckDbFeatureParts.Time} <= to_seconds({ttl.ToString(CultureInfo.InvariantCulture)})";

    private const string At = "__gyre_at";

    private static string Q(string name) => DuckDbSql.Quote(name);
}
