using Gyre.Core.Tracking;
using Gyre.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Sqlite;

/// <summary>
/// Appends a batch of metric points with one prepared statement reused for every point.
/// An exact duplicate of a stored point is ignored, as MLflow does.
/// </summary>
internal static class MetricRows
{
    private const string Sql = "INSERT OR IGNORE INTO metrics (run_key, key, step, timestamp, is_nan, value) VALUES ($r, $k, $s, $t, $n, $v)";

    public static void Insert(SqliteConnection c, SqliteTransaction t, long runKey, IReadOnlyList<Metric> metrics)
    {
        using var insert = c.Command(Sql, t);
        var parameters = insert.Parameters;
        parameters.Add("$r", SqliteType.Integer).Value = runKey;
        var (key, step, timestamp, isNan, value) = (parameters.Add("$k", SqliteType.Text), parameters.Add("$s", SqliteType.Integer),
            parameters.Add("$t", SqliteType.Integer), parameters.Add("$n", SqliteType.Integer), parameters.Add("$v", SqliteType.Real));
        insert.Prepare();
        foreach (var metric in metrics)
        {
            key.Value = metric.Key;
            step.Value = metric.Step;
            timestamp.Value = metric.Timestamp;
            // NaN is a flag with value 0: SQLite would store a NaN REAL as NULL, which a key column cannot hold.
            var nan = double.IsNaN(metric.Value);
            isNan.Value = nan ? 1 : 0;
            value.Value = nan ? 0.0 : metric.Value;
            insert.ExecuteNonQuery();
        }
    }
}
