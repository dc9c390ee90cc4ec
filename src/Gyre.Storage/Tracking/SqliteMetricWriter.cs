using System.Data.Common;
using Gyre.Core.Tracking;
using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Tracking;

/// <summary>
/// SQLite's metric writer: one prepared statement reused for every point. Synchronous on purpose:
/// Microsoft.Data.Sqlite has no true async I/O, and prepared commands reused across rows are what
/// make ingest fast.
/// </summary>
internal sealed class SqliteMetricWriter : IMetricWriter
{
    public Task WriteAsync(DbConnection c, DbTransaction t, long runKey, IReadOnlyList<Metric> points, IReadOnlyCollection<Metric> latest, CancellationToken ct)
    {
        var connection = (SqliteConnection)c;
        var transaction = (SqliteTransaction)t;
        InsertPoints(connection, transaction, runKey, points);
        UpsertLatest(connection, transaction, runKey, latest);
        return Task.CompletedTask;
    }

    private static void InsertPoints(SqliteConnection c, SqliteTransaction t, long runKey, IReadOnlyList<Metric> points)
    {
        using var insert = c.CreateCommand();
        insert.Transaction = t;
        insert.CommandText = "INSERT INTO metrics (run_key, key, step, timestamp, is_nan, value) VALUES (@r, @k, @s, @t, @n, @v) ON CONFLICT DO NOTHING";
        var parameters = insert.Parameters;
        parameters.Add("@r", SqliteType.Integer).Value = runKey;
        var (key, step, timestamp, isNan, value) = (parameters.Add("@k", SqliteType.Text), parameters.Add("@s", SqliteType.Integer),
            parameters.Add("@t", SqliteType.Integer), parameters.Add("@n", SqliteType.Integer), parameters.Add("@v", SqliteType.Real));
        insert.Prepare();
        foreach (var metric in points)
        {
            key.Value = metric.Key;
            step.Value = metric.Step;
            timestamp.Value = metric.Timestamp;
            var nan = double.IsNaN(metric.Value);
            isNan.Value = nan ? 1 : 0;
            value.Value = nan ? 0.0 : metric.Value;
            insert.ExecuteNonQuery();
        }
    }

    private static void UpsertLatest(SqliteConnection c, SqliteTransaction t, long runKey, IReadOnlyCollection<Metric> latest)
    {
        using var upsert = c.CreateCommand();
        upsert.Transaction = t;
        upsert.CommandText = "INSERT INTO latest_metrics (run_key, key, value, step, timestamp) VALUES (@r, @k, @v, @s, @t) " + MetricSql.KeepLatest;
        var (run, key, value, step, timestamp) = (upsert.Parameters.Add("@r", SqliteType.Integer), upsert.Parameters.Add("@k", SqliteType.Text),
            upsert.Parameters.Add("@v", SqliteType.Real), upsert.Parameters.Add("@s", SqliteType.Integer), upsert.Parameters.Add("@t", SqliteType.Integer));
        run.Value = runKey;
        upsert.Prepare();
        foreach (var metric in latest)
        {
            key.Value = metric.Key;
            value.Value = double.IsNaN(metric.Value) ? DBNull.Value : metric.Value;
            step.Value = metric.Step;
            timestamp.Value = metric.Timestamp;
            upsert.ExecuteNonQuery();
        }
    }
}
