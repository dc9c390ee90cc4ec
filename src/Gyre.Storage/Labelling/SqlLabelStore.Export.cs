using DuckDB.NET.Data;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Labelling;

internal sealed partial class SqlLabelStore
{
    /// <summary>A row per label (skips left out), oldest first, written by DuckDB; inputs, prediction and labels as JSON text.</summary>
    public Task<long> ExportAsync(string queue, string path, CancellationToken ct) => db.ReadAsync(async c =>
    {
        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        using (var create = duck.CreateCommand())
        {
            create.CommandText = """
                SET TimeZone = 'UTC';
                CREATE TABLE labels (queue VARCHAR, prediction_id VARCHAR, prediction_time TIMESTAMPTZ, model VARCHAR, variant VARCHAR,
                    inputs JSON, prediction JSON, reason VARCHAR, label JSON, labeller VARCHAR, labelled_at TIMESTAMPTZ,
                    state VARCHAR, final_label JSON, reviewer VARCHAR, reviewed_at TIMESTAMPTZ);
                """;
            create.ExecuteNonQuery();
        }
        long rows = 0;
        await using (var read = c.Command(
            $"SELECT {ItemColumns}, l.labeller, l.label, l.time FROM labels l JOIN label_items i ON i.queue = l.queue AND i.prediction_id = l.prediction_id "
            + "WHERE l.queue = @q AND l.label IS NOT NULL ORDER BY l.time, l.prediction_id, l.labeller", null, ("@q", queue)))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        using (var appender = duck.CreateAppender("labels"))
        {
            while (await reader.ReadAsync(ct))
            {
                var item = ReadItem(reader);
                var row = appender.CreateRow().AppendValue(item.Queue).AppendValue(item.PredictionId).AppendValue(Time(item.PredictionTime))
                    .AppendValue(item.Model).AppendValue(item.Variant).AppendValue(item.Inputs).AppendValue(item.Outputs).AppendValue(item.Reason)
                    .AppendValue(reader.GetString(17)).AppendValue(reader.GetString(16)).AppendValue(Time(reader.GetInt64(18)))
                    .AppendValue(item.State).AppendValue(item.Final).AppendValue(item.Reviewer);
                (item.ReviewTime is { } reviewed ? row.AppendValue(Time(reviewed)) : row.AppendNullValue()).EndRow();
                rows++;
            }
        }
        using var copy = duck.CreateCommand();
        copy.CommandText = $"COPY labels TO '{path.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT parquet)";
        copy.ExecuteNonQuery();
        return rows;
    }, ct);

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
