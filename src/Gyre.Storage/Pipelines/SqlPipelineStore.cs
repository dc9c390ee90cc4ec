using System.Globalization;
using Gyre.Core.Errors;
using Gyre.Core.Pipelines.Runs;
using Gyre.Storage.Sql;
using System.Data.Common;

namespace Gyre.Storage.Pipelines;

/// <summary>Pipelines, runs (one JSON record each), the step cache and the file digest cache in the metadata database.</summary>
internal sealed class SqlPipelineStore(SqlDatabase db) : IPipelineStore
{
    private const string PipelineColumns = "p.name, p.digest, v.yaml, p.directory, p.creation_time, p.last_update_time, p.triggers";
    private const string PipelineJoin = "pipelines p JOIN pipeline_versions v ON v.name = p.name AND v.digest = p.digest";

    public Task SavePipelineAsync(StoredPipeline pipeline, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        await c.ExecuteAsync("INSERT INTO pipeline_versions (name, digest, yaml, directory) VALUES (@n, @d, @y, @dir) ON CONFLICT DO NOTHING", t, ct,
            ("@n", pipeline.Name), ("@d", pipeline.Digest), ("@y", pipeline.Yaml), ("@dir", pipeline.Directory));
        await c.ExecuteAsync(
            "INSERT INTO pipelines (name, digest, directory, triggers, creation_time, last_update_time) VALUES (@n, @d, @dir, @tr, @c, @u) "
            + "ON CONFLICT (name) DO UPDATE SET digest = excluded.digest, directory = excluded.directory, triggers = excluded.triggers, last_update_time = excluded.last_update_time",
            t, ct, ("@n", pipeline.Name), ("@d", pipeline.Digest), ("@dir", pipeline.Directory), ("@tr", JsonRecords.Write(pipeline.Triggers)),
            ("@c", pipeline.CreationTime), ("@u", pipeline.LastUpdateTime));
    }, ct);

    public Task<StoredPipeline> GetPipelineAsync(string name, CancellationToken ct) => db.ReadAsync(async c =>
        (await c.QueryAsync($"SELECT {PipelineColumns} FROM {PipelineJoin} WHERE p.name = @n", null, MapPipeline, ct, ("@n", name))).FirstOrDefault()
        ?? throw GyreException.NotFound($"pipeline '{name}' does not exist"), ct);

    public Task<IReadOnlyList<StoredPipeline>> ListPipelinesAsync(CancellationToken ct) => db.ReadAsync<IReadOnlyList<StoredPipeline>>(async c =>
        await c.QueryAsync($"SELECT {PipelineColumns} FROM {PipelineJoin} ORDER BY p.name", null, MapPipeline, ct), ct);

    public Task DeletePipelineAsync(string name, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        if (await c.ExecuteAsync("DELETE FROM pipelines WHERE name = @n", t, ct, ("@n", name)) == 0)
        {
            throw GyreException.NotFound($"pipeline '{name}' does not exist");
        }
    }, ct);

    /// <summary>A pipeline deleted meanwhile has no triggers left to save: nothing happens.</summary>
    public Task SaveTriggerStateAsync(string name, TriggerState state, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        await UpdateTriggersAsync(c, t, name, state, ct), ct);

    private static async Task<bool> UpdateTriggersAsync(DbConnection c, DbTransaction t, string name, TriggerState state, CancellationToken ct) =>
        await c.ExecuteAsync("UPDATE pipelines SET triggers = @tr WHERE name = @n", t, ct, ("@tr", JsonRecords.Write(state)), ("@n", name)) > 0;

    public Task<(string Yaml, string? Directory)> GetVersionAsync(string name, string digest, CancellationToken ct) => db.ReadAsync(async c =>
        (await c.QueryAsync("SELECT yaml, directory FROM pipeline_versions WHERE name = @n AND digest = @d", null,
            r => (r.GetString(0), r.NullableString(1)), ct, ("@n", name), ("@d", digest))).FirstOrDefault() is { Item1: not null } found
            ? found
            : throw GyreException.NotFound($"pipeline '{name}' has no file with digest {digest}"), ct);

    public Task<PipelineRun> CreateRunAsync(PipelineRun run, TriggerState? triggers, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        if (triggers is not null && !await UpdateTriggersAsync(c, t, run.Pipeline, triggers, ct))
        {
            throw GyreException.NotFound($"pipeline '{run.Pipeline}' does not exist");
        }
        var id = Convert.ToInt64(await c.ScalarAsync(
            "INSERT INTO pipeline_runs (pipeline, state, body, creation_time) VALUES (@p, @s, '{}', @c) RETURNING run_id", t, ct,
            ("@p", run.Pipeline), ("@s", run.State), ("@c", run.CreationTime)), CultureInfo.InvariantCulture);
        var stored = run with { Id = id };
        await c.ExecuteAsync("UPDATE pipeline_runs SET body = @b WHERE run_id = @id", t, ct, ("@b", JsonRecords.Write(stored)), ("@id", id));
        return stored;
    }, ct);

    public Task SaveRunAsync(PipelineRun run, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        if (await c.ExecuteAsync("UPDATE pipeline_runs SET state = @s, body = @b WHERE run_id = @id", t, ct,
                ("@s", run.State), ("@b", JsonRecords.Write(run)), ("@id", run.Id)) == 0)
        {
            throw GyreException.NotFound($"pipeline run {run.Id} does not exist");
        }
    }, ct);

    public Task<PipelineRun> GetRunAsync(long id, CancellationToken ct) => db.ReadAsync(async c =>
        (await c.QueryAsync("SELECT body FROM pipeline_runs WHERE run_id = @id", null, MapRun, ct, ("@id", id))).FirstOrDefault()
        ?? throw GyreException.NotFound($"pipeline run {id} does not exist"), ct);

    public Task<IReadOnlyList<PipelineRun>> ListRunsAsync(string? pipeline, int limit, CancellationToken ct) => db.ReadAsync<IReadOnlyList<PipelineRun>>(async c =>
        pipeline is null
            ? await c.QueryAsync("SELECT body FROM pipeline_runs ORDER BY run_id DESC LIMIT @l", null, MapRun, ct, ("@l", limit))
            : await c.QueryAsync("SELECT body FROM pipeline_runs WHERE pipeline = @p ORDER BY run_id DESC LIMIT @l", null, MapRun, ct, ("@p", pipeline), ("@l", limit)), ct);

    public Task<IReadOnlyList<PipelineRun>> ListRunsInStateAsync(IReadOnlyList<string> states, CancellationToken ct) => db.ReadAsync<IReadOnlyList<PipelineRun>>(async c =>
        await c.QueryAsync($"SELECT body FROM pipeline_runs WHERE {db.Dialect.InList("state", "@s")} ORDER BY run_id", null, MapRun, ct,
            ("@s", db.Dialect.List(states))), ct);

    public Task<CachedStep?> GetCachedAsync(string key, CancellationToken ct) => db.ReadAsync(async c =>
        (await c.QueryAsync("SELECT body FROM step_cache WHERE cache_key = @k", null,
            r => JsonRecords.Read<CachedStep>(r), ct, ("@k", key))).FirstOrDefault(), ct);

    public Task PutCachedAsync(CachedStep entry, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        await c.ExecuteAsync("INSERT INTO step_cache (cache_key, body, creation_time) VALUES (@k, @b, @c) "
            + "ON CONFLICT (cache_key) DO UPDATE SET body = excluded.body, creation_time = excluded.creation_time", t, ct,
            ("@k", entry.Key), ("@b", JsonRecords.Write(entry)), ("@c", entry.CreationTime)), ct);

    public Task<string?> GetFileDigestAsync(string path, long size, long modified, CancellationToken ct) => db.ReadAsync(async c =>
        (await c.QueryAsync("SELECT digest FROM file_digests WHERE path = @p AND size_bytes = @s AND modified = @m", null,
            r => r.GetString(0), ct, ("@p", path), ("@s", size), ("@m", modified))).FirstOrDefault(), ct);

    public Task PutFileDigestAsync(string path, long size, long modified, string digest, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        await c.ExecuteAsync("INSERT INTO file_digests (path, size_bytes, modified, digest) VALUES (@p, @s, @m, @d) "
            + "ON CONFLICT (path) DO UPDATE SET size_bytes = excluded.size_bytes, modified = excluded.modified, digest = excluded.digest", t, ct,
            ("@p", path), ("@s", size), ("@m", modified), ("@d", digest)), ct);

    private static PipelineRun MapRun(DbDataReader r) => JsonRecords.Read<PipelineRun>(r);

    private static StoredPipeline MapPipeline(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.NullableString(3),
        r.GetInt64(4), r.GetInt64(5), JsonRecords.Read<TriggerState>(r, 6));
}
