using System.Globalization;
using System.Text.Json.Nodes;
using Gyre.Core.Pipelines.Lineage;
using Gyre.Core.Pipelines.Steps;
using Gyre.Storage.Sql;
using System.Data.Common;

namespace Gyre.Storage.Pipelines;

/// <summary>The lineage graph: artifacts unique by URI, executions as JSON, events indexed both ways.</summary>
internal sealed class SqlLineageStore(SqlDatabase db, TimeProvider time) : ILineageStore
{
    private const string ArtifactColumns = "artifact_id, type, uri, digest, creation_time, properties";

    public Task<long> RecordAsync(LineageExecution execution, IReadOnlyList<PipelineArtifact> inputs, IReadOnlyList<PipelineArtifact> outputs, CancellationToken ct) =>
        db.WriteAsync(async (c, t) =>
        {
            var id = Convert.ToInt64(await c.ScalarAsync("INSERT INTO lineage_executions (run_id, body) VALUES (@r, '{}') RETURNING execution_id", t, ct,
                ("@r", execution.RunId)), CultureInfo.InvariantCulture);
            await c.ExecuteAsync("UPDATE lineage_executions SET body = @b WHERE execution_id = @id", t, ct,
                ("@b", JsonRecords.Write(execution with { Id = id })), ("@id", id));
            foreach (var (artifact, kind) in inputs.Select(a => (a, LineageEvent.Input)).Concat(outputs.Select(a => (a, LineageEvent.Output))))
            {
                await c.ExecuteAsync(
                    "INSERT INTO lineage_artifacts (type, uri, digest, properties, creation_time) VALUES (@t, @u, @d, @p, @c) ON CONFLICT (uri) DO NOTHING", t, ct,
                    ("@t", artifact.Type), ("@u", artifact.Uri), ("@d", artifact.Digest), ("@p", artifact.Properties?.ToJsonString()),
                    ("@c", time.GetUtcNow().ToUnixTimeMilliseconds()));
                await c.ExecuteAsync(
                    "INSERT INTO lineage_events (execution_id, artifact_id, kind, role) SELECT @e, artifact_id, @k, @r FROM lineage_artifacts WHERE uri = @u ON CONFLICT DO NOTHING", t, ct,
                    ("@e", id), ("@k", kind), ("@r", artifact.Role), ("@u", artifact.Uri));
            }
            return id;
        }, ct);

    public Task<LineageArtifact?> FindArtifactAsync(string uri, CancellationToken ct) => db.ReadAsync(async c =>
        (await c.QueryAsync($"SELECT {ArtifactColumns} FROM lineage_artifacts WHERE uri = @u", null, MapArtifact, ct, ("@u", uri))).FirstOrDefault(), ct);

    public Task<IReadOnlyList<LineageEvent>> EventsOfArtifactsAsync(IReadOnlyCollection<long> artifacts, string kind, CancellationToken ct) =>
        EventsAsync("artifact_id", artifacts, kind, ct);

    public Task<IReadOnlyList<LineageEvent>> EventsOfExecutionsAsync(IReadOnlyCollection<long> executions, string kind, CancellationToken ct) =>
        EventsAsync("execution_id", executions, kind, ct);

    public Task<IReadOnlyList<LineageArtifact>> GetArtifactsAsync(IReadOnlyCollection<long> ids, CancellationToken ct) => db.ReadAsync<IReadOnlyList<LineageArtifact>>(async c =>
        await c.QueryAsync($"SELECT {ArtifactColumns} FROM lineage_artifacts WHERE {db.Dialect.InList("artifact_id", "@ids")} ORDER BY artifact_id",
            null, MapArtifact, ct, ("@ids", Ids(ids))), ct);

    public Task<IReadOnlyList<LineageExecution>> GetExecutionsAsync(IReadOnlyCollection<long> ids, CancellationToken ct) => db.ReadAsync<IReadOnlyList<LineageExecution>>(async c =>
        await c.QueryAsync($"SELECT body FROM lineage_executions WHERE {db.Dialect.InList("execution_id", "@ids")} ORDER BY execution_id", null,
            r => JsonRecords.Read<LineageExecution>(r), ct, ("@ids", Ids(ids))), ct);

    private Task<IReadOnlyList<LineageEvent>> EventsAsync(string column, IReadOnlyCollection<long> ids, string kind, CancellationToken ct) =>
        ids.Count == 0 ? Task.FromResult<IReadOnlyList<LineageEvent>>([]) : db.ReadAsync<IReadOnlyList<LineageEvent>>(async c =>
            await c.QueryAsync($"SELECT execution_id, artifact_id, kind, role FROM lineage_events WHERE {db.Dialect.InList(column, "@ids")} AND kind = @k",
                null, r => new LineageEvent(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3)), ct, ("@ids", Ids(ids)), ("@k", kind)), ct);

    private object Ids(IReadOnlyCollection<long> ids) => db.Dialect.List(ids);

    private static LineageArtifact MapArtifact(DbDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
        r.NullableString(5) is { } p ? JsonNode.Parse(p)!.AsObject() : null);
}
