using System.Globalization;
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
        // Parts of different time types (a CSV's naive times, a Parquet file's instants) compare as instants in UTC.
        var types = sources.Select(source => DuckDbTrainingSetJoiner.TypeOf(connection, $"({source})", group.EventTime)).Distinct(StringComparer.Ordinal).ToList();
        if (types.Count > 1 || types[0] is not ("TIMESTAMP" or "TIMESTAMP WITH TIME ZONE"))
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

    private static string Q(string name) => DuckDbSql.Quote(name);
}
