using Gyre.Core.Errors;
using Gyre.Core.Naming;
using Gyre.Core.Search;
using Gyre.Core.Tracking;
using Gyre.Storage.Sql;
using System.Data.Common;

namespace Gyre.Storage.Tracking;

/// <summary>The write primitive (log-batch), metric history and dataset inputs.</summary>
internal sealed partial class SqlTrackingStore
{
    public Task LogBatchAsync(RunId id, LogBatch batch, CancellationToken ct)
    {
        GyreException.ThrowIfAny(LogBatchValidator.Validate(batch));
        return _db.WriteAsync(async (c, t) =>
        {
            var runKey = await RequireWritableRunAsync(c, t, id, ct);
            await WriteParamsAsync(c, t, id, batch.ParamList, ct);
            await UpsertTagsAsync(c, t, id, batch.TagList, ct);
            await WriteMetricsAsync(c, t, runKey, batch.MetricList, ct);
        }, ct);
    }

    public Task<Page<Metric>> GetMetricHistoryPageAsync(RunId id, string key, int maxResults, string? pageToken, CancellationToken ct)
    {
        MaxResults.Check(maxResults, TrackingStoreExtensions.MaxHistoryPage);
        var parameters = new List<(string, object?)> { ("@k", key), ("@limit", maxResults + 1) };
        var keyset = SqlKeyset.Open(HistoryOrder, pageToken, $"history|{id}|{key}", parameters, _db.Dialect);
        return _db.ReadAsync(async c =>
        {
            var runKey = await c.ScalarAsync("SELECT run_key FROM runs WHERE run_id = @r", null, ct, ("@r", id.Value))
                ?? throw GyreException.NotFound($"run '{id}' does not exist");
            var points = await c.QueryAsync(
                $"SELECT CASE WHEN is_nan = 1 THEN NULL ELSE value END, step, timestamp FROM metrics WHERE run_key = @r AND key = @k AND {keyset.After} ORDER BY {keyset.OrderBy} LIMIT @limit",
                null, r => new Metric(key, r.MetricValue(0), r.GetInt64(1), r.GetInt64(2)), ct, [("@r", runKey), .. parameters]);
            // A point's keys as stored: NaN is the flag with value 0.
            return keyset.ToPage(points, maxResults, m => [m.Step, m.Timestamp, double.IsNaN(m.Value) ? 1L : 0L, double.IsNaN(m.Value) ? 0.0 : m.Value]);
        }, ct);
    }

    /// <summary>A metric's history in step order; the four keys together are the point (its primary key, with the run and the key).</summary>
    private static readonly SortKey[] HistoryOrder = [new("step"), new("timestamp"), new("is_nan"), new("value")];

    public Task LogInputsAsync(RunId id, IReadOnlyList<DatasetInput> inputs, CancellationToken ct)
    {
        var problems = new List<string>();
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is not { } input)
            {
                problems.Add($"datasets[{i}]: expected an object {{name, digest, source?, context?}}, got null");
                continue;
            }
            Names.AddIf(problems, Names.CheckName($"datasets[{i}].name", input.Name));
            Names.AddIf(problems, string.IsNullOrWhiteSpace(input.Digest)
                ? $"datasets[{i}].digest: expected the digest of the dataset's content"
                : Names.CheckValue($"datasets[{i}].digest", input.Digest, TrackingLimits.MaxKeyLength));
            Names.AddIf(problems, input.Source is null ? null : Names.CheckValue($"datasets[{i}].source", input.Source, TrackingLimits.MaxTagValueLength));
            Names.AddIf(problems, input.Context is null ? null : Names.CheckKey($"datasets[{i}].context", input.Context));
        }
        GyreException.ThrowIfAny(problems);
        return _db.WriteAsync(async (c, t) =>
        {
            await RequireWritableRunAsync(c, t, id, ct);
            foreach (var input in inputs)
            {
                await c.ExecuteAsync(
                    "INSERT INTO run_inputs (run_id, name, digest, source, context) VALUES (@r, @n, @d, @s, @c) ON CONFLICT (run_id, name, digest, context) DO UPDATE SET source = COALESCE(excluded.source, run_inputs.source)",
                    t, ct, ("@r", id.Value), ("@n", input.Name), ("@d", input.Digest), ("@s", input.Source), ("@c", input.Context ?? ""));
            }
        }, ct);
    }

    private async Task WriteParamsAsync(DbConnection c, DbTransaction t, RunId id, IReadOnlyList<Param> parameters, CancellationToken ct)
    {
        if (parameters.Count == 0)
        {
            return;
        }
        var existing = (await c.QueryAsync(
                $"SELECT key, value FROM params WHERE run_id = @r AND {_db.Dialect.InList("key", "@keys")}",
                t, r => (Key: r.GetString(0), Value: r.GetString(1)), ct,
                ("@r", id.Value), ("@keys", _db.Dialect.List(parameters.Select(p => p.Key)))))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var conflicts = parameters
            .Where(p => existing.TryGetValue(p.Key, out var old) && old != p.Value)
            .Select(p => $"param '{p.Key}' was logged as '{existing[p.Key]}' and cannot change to '{p.Value}' (params are immutable)")
            .Distinct()
            .ToList();
        if (conflicts.Count > 0)
        {
            throw new GyreException(ErrorCode.Conflict, string.Join("; ", conflicts), conflicts);
        }
        // The new ones in one statement: one round trip however many a batch has.
        var added = parameters.Where(p => !existing.ContainsKey(p.Key)).DistinctBy(p => p.Key).ToList();
        if (added.Count > 0)
        {
            await c.ExecuteAsync($"INSERT INTO params (run_id, key, value) VALUES {Rows(added.Count)}", t, ct,
                [("@r", id.Value), .. added.SelectMany((p, i) => new (string, object?)[] { ($"@k{i}", p.Key), ($"@v{i}", p.Value) })]);
        }
    }

    /// <summary>Appends every point and moves each key's latest point forward.</summary>
    private Task WriteMetricsAsync(DbConnection c, DbTransaction t, long runKey, IReadOnlyList<Metric> metrics, CancellationToken ct)
    {
        if (metrics.Count == 0)
        {
            return Task.CompletedTask;
        }
        // The batch's own latest point of each key first, so that the database compares one point per key.
        var latest = new Dictionary<string, Metric>(StringComparer.Ordinal);
        foreach (var metric in metrics)
        {
            if (!latest.TryGetValue(metric.Key, out var best) || Later(metric, best))
            {
                latest[metric.Key] = metric;
            }
        }
        return _metrics.WriteAsync(c, t, runKey, metrics, latest.Values, ct);
    }

    private static bool Later(Metric a, Metric b) =>
        a.Step != b.Step ? a.Step > b.Step
        : a.Timestamp != b.Timestamp ? a.Timestamp > b.Timestamp
        : !double.IsNaN(a.Value) && (double.IsNaN(b.Value) || a.Value > b.Value);
}
