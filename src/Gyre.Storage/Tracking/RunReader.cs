using Gyre.Core.Tracking;
using Gyre.Storage.Sql;
using System.Data.Common;

namespace Gyre.Storage.Tracking;

/// <summary>Loads whole runs (row, params, latest metrics, tags, inputs) for a set of ids in five queries.</summary>
internal static class RunReader
{
    /// <summary>The runs with these ids, in the order of <paramref name="ids"/>; missing ids are skipped.</summary>
    public static async Task<List<Run>> ReadAsync(DbConnection c, DbTransaction? t, SqlDialect dialect, IReadOnlyList<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        var idJson = dialect.List(ids);
        var inIds = dialect.InList("run_id", "@ids");
        var rows = (await c.QueryAsync(
                $"SELECT run_id, experiment_id, run_name, status, start_time, end_time, lifecycle_stage, parent_run_id, artifact_uri FROM runs WHERE {inIds}",
                t, r => (Id: r.GetString(0), Experiment: r.GetInt64(1), Name: r.GetString(2), Status: r.GetString(3), Start: r.GetInt64(4),
                    End: r.NullableInt64(5), Stage: r.GetString(6), Parent: r.NullableString(7), Uri: r.GetString(8)), ct, ("@ids", idJson)))
            .ToDictionary(r => r.Id);
        var parameters = (await c.QueryAsync($"SELECT run_id, key, value FROM params WHERE {inIds} ORDER BY key", t,
            r => (Id: r.GetString(0), Item: new Param(r.GetString(1), r.GetString(2))), ct, ("@ids", idJson))).ToLookup(x => x.Id, x => x.Item);
        var tags = (await c.QueryAsync($"SELECT run_id, key, value FROM tags WHERE {inIds} ORDER BY key", t,
            r => (Id: r.GetString(0), Item: new Tag(r.GetString(1), r.GetString(2))), ct, ("@ids", idJson))).ToLookup(x => x.Id, x => x.Item);
        var metrics = (await c.QueryAsync($"SELECT r.run_id, m.key, m.value, m.step, m.timestamp FROM latest_metrics m JOIN runs r USING (run_key) WHERE {dialect.InList("r.run_id", "@ids")} ORDER BY m.key", t,
            r => (Id: r.GetString(0), Item: new Metric(r.GetString(1), r.MetricValue(2), r.GetInt64(3), r.GetInt64(4))), ct, ("@ids", idJson))).ToLookup(x => x.Id, x => x.Item);
        var inputs = (await c.QueryAsync($"SELECT run_id, name, digest, source, context FROM run_inputs WHERE {inIds} ORDER BY name, context, digest", t,
            r => (Id: r.GetString(0), Item: new DatasetInput(r.GetString(1), r.GetString(2), r.NullableString(3), r.GetString(4) is { Length: > 0 } context ? context : null)),
            ct, ("@ids", idJson))).ToLookup(x => x.Id, x => x.Item);

        var runs = new List<Run>(ids.Count);
        foreach (var id in ids)
        {
            if (!rows.TryGetValue(id, out var row))
            {
                continue;
            }
            var status = RunStatuses.TryParse(row.Status, out var parsed) ? parsed : RunStatus.Running;
            runs.Add(new Run(
                new RunId(row.Id), ExperimentKeys.Experiment(row.Experiment), row.Name, status, row.Start, row.End,
                row.Stage == "deleted" ? LifecycleStage.Deleted : LifecycleStage.Active,
                row.Parent is null ? null : new RunId(row.Parent), row.Uri,
                parameters[id].ToList(), metrics[id].ToList(), tags[id].ToList(), inputs[id].ToList()));
        }
        return runs;
    }
}
