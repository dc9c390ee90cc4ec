using Gyre.Core.Artifacts;
using Gyre.Core.Errors;
using Gyre.Core.Naming;
using Gyre.Core.Tracking;
using Gyre.Storage.Sql;
using System.Data.Common;

namespace Gyre.Storage.Tracking;

/// <summary>
/// The tracking store. Split by concern across partial files: experiments (here),
/// runs, logging, and search.
/// </summary>
internal sealed partial class SqlTrackingStore : ITrackingStore
{
    private const string ExperimentColumns = "e.experiment_id, e.name, e.lifecycle_stage, e.creation_time, e.last_update_time";

    private readonly SqlDatabase _db;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly IMetricWriter _metrics;

    public SqlTrackingStore(SqlDatabase db, IMetricWriter metrics, TimeProvider time, Random random)
    {
        _metrics = metrics;
        _db = db;
        _time = time;
        _random = random;
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public Task<Experiment> CreateExperimentAsync(string name, IReadOnlyList<Tag> tags, CancellationToken ct)
    {
        var problems = new List<string>();
        Names.AddIf(problems, Names.CheckName("name", name));
        Tags.Check("tags", tags, problems);
        GyreException.ThrowIfAny(problems);
        return _db.WriteAsync(async (c, t) =>
        {
            var existing = await c.ScalarAsync("SELECT lifecycle_stage FROM experiments WHERE name = @n", t, ct, ("@n", name));
            if (existing is string stage)
            {
                throw GyreException.AlreadyExists(stage == "deleted"
                    ? $"experiment '{name}' exists in the deleted state: restore it, or delete it permanently to reuse the name"
                    : $"experiment '{name}' already exists");
            }
            var now = Now;
            var id = (long)(await c.ScalarAsync(
                "INSERT INTO experiments (name, creation_time, last_update_time) VALUES (@n, @t, @t) RETURNING experiment_id",
                t, ct, ("@n", name), ("@t", now)))!;
            foreach (var tag in tags)
            {
                await UpsertExperimentTagAsync(c, t, id, tag, ct);
            }
            return await ReadExperimentAsync(c, t, "e.experiment_id = @id", ("@id", id), ct)
                ?? throw new InvalidOperationException("experiment vanished inside its own transaction");
        }, ct);
    }

    public Task<Experiment> GetExperimentAsync(ExperimentId id, CancellationToken ct) =>
        _db.ReadAsync(async c => await ReadExperimentAsync(c, null, "e.experiment_id = @id", ("@id", ExperimentKeys.TryExperiment(id) ?? -1), ct)
            ?? throw GyreException.NotFound($"experiment '{id}' does not exist"), ct);

    public Task<Experiment> GetExperimentByNameAsync(string name, CancellationToken ct) =>
        _db.ReadAsync(async c => await ReadExperimentAsync(c, null, "e.name = @n", ("@n", name), ct)
            ?? throw GyreException.NotFound($"experiment named '{name}' does not exist"), ct);

    public Task<Experiment> RenameExperimentAsync(ExperimentId id, string newName, CancellationToken ct)
    {
        GyreException.ThrowIfAny(Names.CheckName("new_name", newName) is { } problem ? [problem] : []);
        return _db.WriteAsync(async (c, t) =>
        {
            var key = await RequireExperimentAsync(c, t, id, mustBeActive: true, ct);
            var holder = await c.ScalarAsync("SELECT experiment_id FROM experiments WHERE name = @n", t, ct, ("@n", newName));
            if (holder is long other && other != key)
            {
                throw GyreException.AlreadyExists($"experiment '{newName}' already exists");
            }
            await c.ExecuteAsync("UPDATE experiments SET name = @n, last_update_time = @t WHERE experiment_id = @id", t, ct,
                ("@n", newName), ("@t", Now), ("@id", key));
            return (await ReadExperimentAsync(c, t, "e.experiment_id = @id", ("@id", key), ct))!;
        }, ct);
    }

    public Task SetExperimentTagAsync(ExperimentId id, Tag tag, CancellationToken ct)
    {
        var problems = new List<string>();
        Names.AddIf(problems, Names.CheckKey("key", tag.Key));
        Names.AddIf(problems, Names.CheckValue("value", tag.Value, TrackingLimits.MaxTagValueLength));
        GyreException.ThrowIfAny(problems);
        return _db.WriteAsync(async (c, t) =>
        {
            var key = await RequireExperimentAsync(c, t, id, mustBeActive: true, ct);
            await UpsertExperimentTagAsync(c, t, key, tag, ct);
        }, ct);
    }

    public Task DeleteExperimentAsync(ExperimentId id, CancellationToken ct) => SetExperimentStageAsync(id, "active", "deleted", ct);

    public Task RestoreExperimentAsync(ExperimentId id, CancellationToken ct) => SetExperimentStageAsync(id, "deleted", "active", ct);

    public Task PurgeExperimentAsync(ExperimentId id, CancellationToken ct) => _db.WriteAsync(async (c, t) =>
    {
        var key = await RequireExperimentAsync(c, t, id, mustBeActive: false, ct);
        if (key == 0)
        {
            throw GyreException.Invalid("experiment_id: the default experiment (0) cannot be deleted");
        }
        var stage = (string)(await c.ScalarAsync("SELECT lifecycle_stage FROM experiments WHERE experiment_id = @id", t, ct, ("@id", key)))!;
        if (stage != "deleted")
        {
            throw GyreException.Conflict($"experiment '{id}' is active: delete it first, then delete it permanently");
        }
        await RefuseIfModelsDependAsync(c, t, "runs.experiment_id = @id", ("@id", key), $"experiment '{id}'", ct);
        await c.ExecuteAsync("DELETE FROM experiments WHERE experiment_id = @id", t, ct, ("@id", key));
    }, ct);

    private Task SetExperimentStageAsync(ExperimentId id, string from, string to, CancellationToken ct) => _db.WriteAsync(async (c, t) =>
    {
        var key = await RequireExperimentAsync(c, t, id, mustBeActive: false, ct);
        if (key == 0 && to == "deleted")
        {
            throw GyreException.Invalid("experiment_id: the default experiment (0) cannot be deleted");
        }
        var changed = await c.ExecuteAsync(
            "UPDATE experiments SET lifecycle_stage = @to, last_update_time = @t WHERE experiment_id = @id AND lifecycle_stage = @from",
            t, ct, ("@to", to), ("@from", from), ("@t", Now), ("@id", key));
        if (changed == 0)
        {
            throw GyreException.Conflict($"experiment '{id}' is not {from}");
        }
        // As in MLflow, the runs go with their experiment; restoring brings back only those it took.
        await c.ExecuteAsync(to == "deleted"
                ? "UPDATE runs SET lifecycle_stage = 'deleted', deleted_by_experiment = 1 WHERE experiment_id = @id AND lifecycle_stage = 'active'"
                : "UPDATE runs SET lifecycle_stage = 'active', deleted_by_experiment = 0 WHERE experiment_id = @id AND deleted_by_experiment = 1",
            t, ct, ("@id", key));
    }, ct);

    /// <summary>The experiment's integer key; not_found if it does not exist, conflict if it must be active and is not.</summary>
    private static async Task<long> RequireExperimentAsync(DbConnection c, DbTransaction? t, ExperimentId id, bool mustBeActive, CancellationToken ct)
    {
        var key = ExperimentKeys.TryExperiment(id);
        var stage = key is null ? null : await c.ScalarAsync("SELECT lifecycle_stage FROM experiments WHERE experiment_id = @id", t, ct, ("@id", key));
        if (stage is null)
        {
            throw GyreException.NotFound($"experiment '{id}' does not exist");
        }
        if (mustBeActive && (string)stage != "active")
        {
            throw GyreException.Conflict($"experiment '{id}' is deleted: restore it first");
        }
        return key!.Value;
    }

    /// <summary>
    /// A purge may not take away the files a registered model version was made from: the registry
    /// would point at nothing. Both live in this database, so the check is part of the purge's transaction.
    /// </summary>
    private static async Task RefuseIfModelsDependAsync(DbConnection c, DbTransaction t, string runCondition, (string, object?) parameter, string what, CancellationToken ct)
    {
        var versions = await c.QueryAsync(
            "SELECT m.name || '/' || v.version FROM model_versions v JOIN registered_models m USING (model_id) JOIN runs ON runs.run_id = v.run_id "
            + $"WHERE {runCondition} ORDER BY m.name, v.version LIMIT 5",
            t, r => r.GetString(0), ct, parameter);
        if (versions.Count > 0)
        {
            throw GyreException.Conflict(
                $"{what} holds the source of model version(s) {string.Join(", ", versions)}: delete those versions before deleting it permanently");
        }
    }

    private static Task UpsertExperimentTagAsync(DbConnection c, DbTransaction t, long id, Tag tag, CancellationToken ct) =>
        c.ExecuteAsync("INSERT INTO experiment_tags (experiment_id, key, value) VALUES (@id, @k, @v) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value",
            t, ct, ("@id", id), ("@k", tag.Key), ("@v", tag.Value));

    private async Task<Experiment?> ReadExperimentAsync(DbConnection c, DbTransaction? t, string where, (string, object?) parameter, CancellationToken ct)
    {
        var rows = await ReadExperimentsAsync(c, t, $"SELECT {ExperimentColumns} FROM experiments e WHERE {where}", [parameter], ct);
        return rows.Count == 0 ? null : rows[0];
    }

    private async Task<List<Experiment>> ReadExperimentsAsync(DbConnection c, DbTransaction? t, string sql, IReadOnlyList<(string, object?)> parameters, CancellationToken ct)
    {
        var rows = await c.QueryAsync(sql, t, r => (Id: r.GetInt64(0), Name: r.GetString(1), Stage: r.GetString(2), Created: r.GetInt64(3), Updated: r.GetInt64(4)), ct, [.. parameters]);
        if (rows.Count == 0)
        {
            return [];
        }
        var ids = _db.Dialect.List(rows.Select(r => r.Id));
        var tags = (await c.QueryAsync(
                $"SELECT experiment_id, key, value FROM experiment_tags WHERE {_db.Dialect.InList("experiment_id", "@ids")} ORDER BY key",
                t, r => (Id: r.GetInt64(0), Tag: new Tag(r.GetString(1), r.GetString(2))), ct, ("@ids", ids)))
            .ToLookup(x => x.Id, x => x.Tag);
        return rows.Select(r => new Experiment(
            ExperimentKeys.Experiment(r.Id), r.Name, RunArtifacts.ExperimentLocation(r.Id),
            r.Stage == "deleted" ? LifecycleStage.Deleted : LifecycleStage.Active,
            r.Created, r.Updated, tags[r.Id].ToList())).ToList();
    }
}
