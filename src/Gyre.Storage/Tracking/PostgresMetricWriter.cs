using System.Data.Common;
using Gyre.Core.Tracking;
using Npgsql;
using NpgsqlTypes;

namespace Gyre.Storage.Tracking;

/// <summary>
/// PostgreSQL's metric writer: the whole batch in one round trip, as arrays unnested into two
/// statements (the points, then the latest points), so a batch costs one network wait however
/// many points it has.
/// </summary>
internal sealed class PostgresMetricWriter : IMetricWriter
{
    private const string Sql = """
        INSERT INTO metrics (run_key, key, step, timestamp, is_nan, value)
        SELECT @r, k, s, t, n, v FROM unnest(@k, @s, @t, @n, @v) AS p (k, s, t, n, v)
        ON CONFLICT DO NOTHING;
        INSERT INTO latest_metrics (run_key, key, value, step, timestamp)
        SELECT @r, k, v, s, t FROM unnest(@lk, @lv, @ls, @lt) AS l (k, v, s, t)
        """ + "\n" + MetricSql.KeepLatest;

    public async Task WriteAsync(DbConnection c, DbTransaction t, long runKey, IReadOnlyList<Metric> points, IReadOnlyCollection<Metric> latest, CancellationToken ct)
    {
        var n = points.Count;
        var (keys, steps, times, nans, values) = (new string[n], new long[n], new long[n], new long[n], new double[n]);
        for (var i = 0; i < n; i++)
        {
            var point = points[i];
            var nan = double.IsNaN(point.Value);
            (keys[i], steps[i], times[i], nans[i], values[i]) = (point.Key, point.Step, point.Timestamp, nan ? 1 : 0, nan ? 0.0 : point.Value);
        }
        await using var command = new NpgsqlCommand(Sql, (NpgsqlConnection)c, (NpgsqlTransaction)t);
        command.Parameters.Add(new NpgsqlParameter<long>("r", runKey));
        command.Parameters.Add(new NpgsqlParameter<string[]>("k", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = keys });
        command.Parameters.Add(new NpgsqlParameter<long[]>("s", steps));
        command.Parameters.Add(new NpgsqlParameter<long[]>("t", times));
        command.Parameters.Add(new NpgsqlParameter<long[]>("n", nans));
        command.Parameters.Add(new NpgsqlParameter<double[]>("v", values));
        command.Parameters.Add(new NpgsqlParameter<string[]>("lk", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = latest.Select(m => m.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<double?[]>("lv", latest.Select(m => double.IsNaN(m.Value) ? (double?)null : m.Value).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long[]>("ls", latest.Select(m => m.Step).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long[]>("lt", latest.Select(m => m.Timestamp).ToArray()));
        await command.ExecuteNonQueryAsync(ct);
    }
}
