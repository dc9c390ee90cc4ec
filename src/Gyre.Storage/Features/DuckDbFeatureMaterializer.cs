using System.Globalization;
using Gyre.Core.Data;
using Gyre.Core.Features;
using Gyre.Core.Features.Online;
using Gyre.Storage.Data;

namespace Gyre.Storage.Features;

/// <summary>
/// Reads new parts for the online store with DuckDB: the parts as one view (the order key of the
/// point-in-time joins: time, then part, then line), and of each entity the row with the greatest
/// order, its features as one JSON object. Rows stream out in batches of <see cref="Batch"/>.
/// </summary>
internal sealed class DuckDbFeatureMaterializer(string tempDirectory) : IFeatureMaterializer
{
    private const int Batch = 5000;

    public async Task<MaterializedParts> ReadLatestAsync(FeatureGroup group, IReadOnlyList<MaterializingPart> parts, long? watermark,
        Func<IReadOnlyList<OnlineFeatureRow>, CancellationToken, Task> write, CancellationToken ct)
    {
        using var spilling = DuckDbSql.Open(tempDirectory, ct);
        var connection = spilling.Connection;
        var features = group.Features.Select(f => f.Name).ToList();
        var sources = parts.Select((part, p) => DuckDbFeatureParts.Source(spilling, part.Version, part.Path, group.Entities, $"part{p}")).ToList();
        var time = Q(group.EventTime);
        if (DuckDbFeatureParts.AsInstants([.. sources.Select(source => DuckDbFeatureParts.TypeOf(connection, $"({source})", group.EventTime))]))
        {
            time = $"CAST({time} AS TIMESTAMPTZ)";
        }
        // The parts are consecutive: each one's place among the group's parts is the first one's plus its own here.
        DuckDbFeatureParts.View(connection, group, features, sources, parts[0].Index, time, "g");
        var millis = $"epoch_ms({DuckDbFeatureParts.Time})";
        var late = watermark is { } w ? $"CAST(count_if({millis} <= {w.ToString(CultureInfo.InvariantCulture)}) AS BIGINT)" : "0::BIGINT";
        var (rows, newest, lateRows) = DuckDbSql.Query(connection, $"SELECT count(*), max({millis}), {late} FROM g",
            r => (r.GetInt64(0), r.IsDBNull(1) ? (long?)null : r.GetInt64(1), r.GetInt64(2)))[0];

        var keys = string.Join(", ", group.Entities.Select((_, i) => DuckDbFeatureParts.Key(i)));
        var key = group.Entities.Count == 1 ? keys : $"concat_ws(chr(31), {keys})";
        var values = DuckDbFeatureParts.Json(group, features, "");
        var sql = $"""
            SELECT {key}, {millis}, {DuckDbFeatureParts.OrderColumn}.o, {values} FROM g
            QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY {DuckDbFeatureParts.OrderColumn} DESC) = 1
            """;
        long entities = 0;
        var batch = new List<OnlineFeatureRow>(Batch);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ct.ThrowIfCancellationRequested();
                batch.Add(new OnlineFeatureRow(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3)));
                entities++;
                if (batch.Count == Batch)
                {
                    await write(batch, ct);
                    batch = new List<OnlineFeatureRow>(Batch);
                }
            }
        }
        if (batch.Count > 0)
        {
            await write(batch, ct);
        }
        return new MaterializedParts(rows, entities, newest, lateRows);
    }

    public Task<string?> FirstBadVectorAsync(string path, DatasetFormat format, IReadOnlyDictionary<string, int> vectors, CancellationToken ct) =>
        Task.Run(() =>
        {
            using var spilling = DuckDbSql.Open(tempDirectory, ct);
            // Every value as text, lines counted from the header (line 1) as a CSV reader names them.
            var source = format == DatasetFormat.Parquet
                ? $"(SELECT *, file_row_number + 2 AS {Line} FROM read_parquet({DuckDbSql.Literal(path)}, file_row_number = true))"
                : $"(SELECT *, row_number() OVER () + 1 AS {Line} FROM read_csv({DuckDbSql.Literal(path)}, header = true, all_varchar = true))";
            foreach (var (column, dimensions) in vectors)
            {
                var value = $"CAST({Q(column)} AS VARCHAR)";
                var list = $"TRY_CAST({value} AS DOUBLE[])";
                var bad = DuckDbSql.Query(spilling.Connection,
                    $"SELECT {Line}, {value}, len({list}) FROM {source} "
                    + $"WHERE {value} IS NOT NULL AND NOT coalesce(len({list}) = {dimensions} AND list_bool_and(list_transform({list}, x -> isfinite(x))), false) "
                    + $"ORDER BY {Line} LIMIT 1",
                    r => (Line: r.GetInt64(0), Value: r.GetString(1), Length: r.IsDBNull(2) ? (long?)null : r.GetInt64(2)));
                if (bad is [var first])
                {
                    var shown = first.Value.Length > 60 ? first.Value[..60] + "…" : first.Value;
                    return $"{column}: line {first.Line}: expected a JSON array of {dimensions} finite numbers, got "
                        + (first.Length is { } n && n != dimensions ? $"{n} numbers" : $"'{shown}'");
                }
            }
            return (string?)null;
        }, ct);

    private const string Line = "__gyre_line";

    private static string Q(string name) => DuckDbSql.Quote(name);
}
