namespace Gyre.Storage.Tracking;

/// <summary>The metric tables' statements, shared by both writers. NaN is is_nan = 1 with value 0 among the points (a key column cannot hold it), and NULL among the latest.</summary>
internal static class MetricSql
{
    /// <summary>
    /// The latest point, as MLflow picks it: highest step, then latest timestamp, then largest
    /// value (NaN lowest), so the answer does not depend on the order concurrent writes arrive in.
    /// </summary>
    public const string KeepLatest = """
        ON CONFLICT (run_key, key) DO UPDATE SET value = excluded.value, step = excluded.step, timestamp = excluded.timestamp
        WHERE excluded.step > latest_metrics.step
           OR (excluded.step = latest_metrics.step AND excluded.timestamp > latest_metrics.timestamp)
           OR (excluded.step = latest_metrics.step AND excluded.timestamp = latest_metrics.timestamp
               AND excluded.value IS NOT NULL AND (latest_metrics.value IS NULL OR excluded.value > latest_metrics.value))
        """;
}
