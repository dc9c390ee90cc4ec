using Gyre.Core.Artifacts;
using Gyre.Core.Errors;
using Gyre.Core.Naming;
using Gyre.Core.Tracking;
using Gyre.Storage.Sql;
using System.Data.Common;

namespace Gyre.Storage.Tracking;

/// <summary>Runs: create, read, update, delete, restore and purge.</summary>
internal sealed partial class SqlTrackingStore
{
    public Task<Run> CreateRunAsync(NewRun run, CancellationToken ct)
    {
        var problems = new List<string>();
        if (run.RunName is not null)
        {
            Names.AddIf(problems, Names.CheckName("name", run.RunName));
        }
        var tags = run.Tags ?? [];
        Tags.Check("tags", tags, problems);
        if (run.StartTime < 0)
        {
            problems.Add($"start_time: expected milliseconds since the Unix epoch, got {run.StartTime}");
        }
        GyreException.ThrowIfAny(problems);
        string name;
        lock (_random)
        {
            name = run.RunName ?? RunNames.Next(_random);
        }
        return _db.WriteAsync(async (c, t) =>
        {
            var experiment = await RequireExperimentAsync(c, t, run.ExperimentId, mustBeActive: true, ct);
            if (run.ParentRunId is { } parent)
            {
                var parentExperiment = await c.ScalarAsync("SELECT experiment_id FROM runs WHERE run_id = @r", t, ct, ("@r", parent.Value))
                    ?? throw GyreException.NotFound($"parent_run_id: run '{parent}' does not exist");
                if ((long)parentExperiment != experiment)
                {
                    throw GyreException.Invalid($"parent_run_id: run '{parent}' belongs to experiment {parentExperiment}, not {run.ExperimentId}");
                }
            }
            var id = RunId.New();
            var experimentText = ExperimentKeys.Experiment(experiment).Value;
            await c.ExecuteAsync("""
                INSERT INTO runs (run_id, experiment_id, run_name, status, start_time, lifecycle_stage, parent_run_id, artifact_uri)
                VALUES (@r, @e, @n, 'RUNNING', @s, 'active', @p, @a)
                """, t, ct,
                ("@r", id.Value), ("@e", experiment), ("@n", name), ("@s", run.StartTime ?? Now),
                ("@p", run.ParentRunId?.Value), ("@a", RunArtifacts.RunUri(experimentText, id.Value)));
            await UpsertTagsAsync(c, t, id, tags, ct);
            return (await RunReader.ReadAsync(c, t, _db.Dialect, [id.Value], ct))[0];
        }, ct);
    }

    public Task<Run> GetRunAsync(RunId id, CancellationToken ct) => _db.ReadAsync(async c =>
    {
        var runs = await RunReader.ReadAsync(c, null, _db.Dialect, [id.Value], ct);
        return runs.Count == 1 ? runs[0] : throw GyreException.NotFound($"run '{id}' does not exist");
    }, ct);

    public Task<Run> UpdateRunAsync(RunId id, RunUpdate update, CancellationToken ct)
    {
        var problems = new List<string>();
        if (update.RunName is not null)
        {
            Names.AddIf(problems, Names.CheckName("name", update.RunName));
        }
        if (update.EndTime < 0)
        {
            problems.Add($"end_time: expected milliseconds since the Unix epoch, got {update.EndTime}");
        }
        GyreException.ThrowIfAny(problems);
        return _db.WriteAsync(async (c, t) =>
        {
            await RequireWritableRunAsync(c, t, id, ct);
            var endTime = update.EndTime ?? (update.Status is { } s && s.IsTerminal() ? Now : null);
            await c.ExecuteAsync("""
                UPDATE runs SET
                    status = COALESCE(@status, status),
                    end_time = CASE WHEN @status = 'RUNNING' THEN NULL ELSE COALESCE(@end, end_time) END,
                    run_name = COALESCE(@name, run_name)
                WHERE run_id = @r
                """, t, ct, ("@status", update.Status?.ToText()), ("@end", endTime), ("@name", update.RunName), ("@r", id.Value));
            return (await RunReader.ReadAsync(c, t, _db.Dialect, [id.Value], ct))[0];
        }, ct);
    }

    public Task DeleteRunAsync(RunId id, CancellationToken ct) => SetRunStageAsync(id, "active", "deleted", ct);

    public Task RestoreRunAsync(RunId id, CancellationToken ct) => SetRunStageAsync(id, "deleted", "active", ct);

    public Task PurgeRunAsync(RunId id, CancellationToken ct) => _db.WriteAsync(async (c, t) =>
    {
        var stage = await c.ScalarAsync("SELECT lifecycle_stage FROM runs WHERE run_id = @r", t, ct, ("@r", id.Value))
            ?? throw GyreException.NotFound($"run '{id}' does not exist");
        if ((string)stage != "deleted")
        {
            throw GyreException.Conflict($"run '{id}' is active: delete it first, then delete it permanently");
        }
        await RefuseIfModelsDependAsync(c, t, "runs.run_id = @r", ("@r", id.Value), $"run '{id}'", ct);
        await c.ExecuteAsync("DELETE FROM runs WHERE run_id = @r", t, ct, ("@r", id.Value));
    }, ct);

    private Task SetRunStageAsync(RunId id, string from, string to, CancellationToken ct) => _db.WriteAsync(async (c, t) =>
    {
        var stage = await c.ScalarAsync("SELECT lifecycle_stage FROM runs WHERE run_id = @r", t, ct, ("@r", id.Value))
            ?? throw GyreException.NotFound($"run '{id}' does not exist");
        if ((string)stage != from)
        {
            throw GyreException.Conflict($"run '{id}' is not {from}");
        }
        await c.ExecuteAsync("UPDATE runs SET lifecycle_stage = @to, deleted_by_experiment = 0 WHERE run_id = @r", t, ct, ("@to", to), ("@r", id.Value));
    }, ct);

    /// <summary>A run may be written while it and its experiment are active. Returns the run's key in the metric tables.</summary>
    private static async Task<long> RequireWritableRunAsync(DbConnection c, DbTransaction t, RunId id, CancellationToken ct)
    {
        var rows = await c.QueryAsync(
            "SELECT r.lifecycle_stage, e.lifecycle_stage, r.run_key FROM runs r JOIN experiments e USING (experiment_id) WHERE r.run_id = @r",
            t, r => (Run: r.GetString(0), Experiment: r.GetString(1), Key: r.GetInt64(2)), ct, ("@r", id.Value));
        if (rows.Count == 0)
        {
            throw GyreException.NotFound($"run '{id}' does not exist");
        }
        if (rows[0].Run != "active")
        {
            throw GyreException.Conflict($"run '{id}' is deleted: restore it before writing to it");
        }
        if (rows[0].Experiment != "active")
        {
            throw GyreException.Conflict($"the experiment of run '{id}' is deleted: restore it before writing to the run");
        }
        return rows[0].Key;
    }

    /// <summary>
    /// Sets tags in one statement. A key set twice in a batch keeps its last value, as setting them in
    /// turn would (one statement may not change a row twice).
    /// </summary>
    private static async Task UpsertTagsAsync(DbConnection c, DbTransaction t, RunId id, IReadOnlyList<Tag> tags, CancellationToken ct)
    {
        var last = tags.GroupBy(tag => tag.Key, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        if (last.Count == 0)
        {
            return;
        }
        await c.ExecuteAsync($"INSERT INTO tags (run_id, key, value) VALUES {Rows(last.Count)} ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value", t, ct,
            [("@r", id.Value), .. last.SelectMany((tag, i) => new (string, object?)[] { ($"@k{i}", tag.Key), ($"@v{i}", tag.Value) })]);
    }

    /// <summary><c>(@r, @k0, @v0), (@r, @k1, @v1)…</c>: the rows of a multi-row insert of keys and values for one run.</summary>
    private static string Rows(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => $"(@r, @k{i}, @v{i})"));
}
