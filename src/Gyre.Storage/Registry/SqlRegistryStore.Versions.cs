using Gyre.Core.Errors;
using Gyre.Core.Registry;
using Gyre.Core.Search;
using Gyre.Core.Tracking;
using Gyre.Storage.Sql;
using System.Data.Common;

namespace Gyre.Storage.Registry;

/// <summary>Model versions, their tags, and aliases.</summary>
internal sealed partial class SqlRegistryStore
{
    private const string VersionColumns =
        "v.model_id, m.name, v.version, v.source, v.run_id, v.artifact_path, v.status, v.description, v.creation_time, v.last_updated_time";

    public Task<ModelVersion> CreateVersionAsync(string name, NewModelVersion version, string source, CancellationToken ct)
    {
        GyreException.ThrowIfAny(CheckTags(version.Tags ?? []));
        return _db.WriteAsync(async (c, t) =>
        {
            var id = await RequireModelAsync(c, t, name, ct);
            var now = Now;
            // A counter, not MAX + 1: a deleted version's number is never handed out again.
            var number = (long)(await c.ScalarAsync(
                "UPDATE registered_models SET next_version = next_version + 1 WHERE model_id = @m RETURNING next_version - 1", t, ct, ("@m", id)))!;
            await c.ExecuteAsync("""
                INSERT INTO model_versions (model_id, version, source, run_id, artifact_path, status, description, creation_time, last_updated_time)
                VALUES (@m, @v, @s, @r, @p, 'READY', @d, @t, @t)
                """, t, ct, ("@m", id), ("@v", number), ("@s", source), ("@r", version.RunId.Value), ("@p", version.ArtifactPath),
                ("@d", version.Description), ("@t", now));
            foreach (var tag in version.Tags ?? [])
            {
                await UpsertVersionTagAsync(c, t, id, number, tag, ct);
            }
            await c.ExecuteAsync("UPDATE registered_models SET last_updated_time = @t WHERE model_id = @m", t, ct, ("@t", now), ("@m", id));
            return (await ReadVersionsAsync(c, t, "WHERE v.model_id = @m AND v.version = @v", [("@m", id), ("@v", number)], ct))[0];
        }, ct);
    }

    public Task<ModelVersion> GetVersionAsync(string name, long version, CancellationToken ct) => _db.ReadAsync(async c =>
    {
        var id = await RequireModelAsync(c, null, name, ct);
        var versions = await ReadVersionsAsync(c, null, "WHERE v.model_id = @m AND v.version = @v", [("@m", id), ("@v", version)], ct);
        return versions.Count == 1 ? versions[0] : throw VersionNotFound(name, version);
    }, ct);

    public Task<Page<ModelVersion>> ListVersionsAsync(string name, int maxResults, string? pageToken, CancellationToken ct)
    {
        MaxResults.Check(maxResults, 10_000);
        var parameters = new List<(string, object?)> { ("@limit", maxResults + 1) };
        var keyset = SqlKeyset.Open([new SortKey("v.version", Descending: true)], pageToken, $"versions|{name}", parameters, _db.Dialect);
        return _db.ReadAsync(async c =>
        {
            var id = await RequireModelAsync(c, null, name, ct);
            var versions = await ReadVersionsAsync(c, null, $"WHERE v.model_id = @m AND {keyset.After} ORDER BY {keyset.OrderBy} LIMIT @limit",
                [("@m", id), .. parameters], ct);
            return keyset.ToPage(versions, maxResults, v => [v.Version]);
        }, ct);
    }

    public Task<IReadOnlyList<ModelVersion>> ListVersionsOfRunAsync(RunId run, CancellationToken ct) => _db.ReadAsync<IReadOnlyList<ModelVersion>>(async c =>
        await ReadVersionsAsync(c, null, "WHERE v.run_id = @r ORDER BY v.creation_time DESC, v.version DESC, m.name", [("@r", run.Value)], ct), ct);

    public Task<ModelVersion> UpdateVersionAsync(string name, long version, string? description, CancellationToken ct) => _db.WriteAsync(async (c, t) =>
    {
        var id = await RequireVersionAsync(c, t, name, version, ct);
        await c.ExecuteAsync("UPDATE model_versions SET description = COALESCE(@d, description), last_updated_time = @t WHERE model_id = @m AND version = @v",
            t, ct, ("@d", description), ("@t", Now), ("@m", id), ("@v", version));
        return (await ReadVersionsAsync(c, t, "WHERE v.model_id = @m AND v.version = @v", [("@m", id), ("@v", version)], ct))[0];
    }, ct);

    public Task DeleteVersionAsync(string name, long version, CancellationToken ct) => _db.WriteAsync(async (c, t) =>
    {
        var id = await RequireVersionAsync(c, t, name, version, ct);
        await c.ExecuteAsync("DELETE FROM model_versions WHERE model_id = @m AND version = @v", t, ct, ("@m", id), ("@v", version));
    }, ct);

    public Task SetVersionTagAsync(string name, long version, Tag tag, CancellationToken ct)
    {
        GyreException.ThrowIfAny(CheckTags([tag]));
        return _db.WriteAsync(async (c, t) =>
        {
            var id = await RequireVersionAsync(c, t, name, version, ct);
            await UpsertVersionTagAsync(c, t, id, version, tag, ct);
        }, ct);
    }

    public Task DeleteVersionTagAsync(string name, long version, string key, CancellationToken ct) => _db.WriteAsync(async (c, t) =>
    {
        var id = await RequireVersionAsync(c, t, name, version, ct);
        if (await c.ExecuteAsync("DELETE FROM model_version_tags WHERE model_id = @m AND version = @v AND key = @k", t, ct, ("@m", id), ("@v", version), ("@k", key)) == 0)
        {
            throw GyreException.NotFound($"version {version} of model '{name}' has no tag '{key}'");
        }
    }, ct);

    public Task SetAliasAsync(string name, string alias, long version, CancellationToken ct)
    {
        if (ModelNames.CheckAlias("alias", alias) is { } problem)
        {
            throw GyreException.Invalid(problem);
        }
        return _db.WriteAsync(async (c, t) =>
        {
            var id = await RequireVersionAsync(c, t, name, version, ct);
            // One statement: a reader sees the old version or the new one, never none.
            await c.ExecuteAsync("INSERT INTO model_aliases (model_id, alias, version) VALUES (@m, @a, @v) ON CONFLICT (model_id, alias) DO UPDATE SET version = excluded.version",
                t, ct, ("@m", id), ("@a", alias), ("@v", version));
            await c.ExecuteAsync("UPDATE registered_models SET last_updated_time = @t WHERE model_id = @m", t, ct, ("@t", Now), ("@m", id));
        }, ct);
    }

    public Task<ModelVersion> GetVersionByAliasAsync(string name, string alias, CancellationToken ct) => _db.ReadAsync(async c =>
    {
        var id = await RequireModelAsync(c, null, name, ct);
        var versions = await ReadVersionsAsync(c, null,
            "WHERE v.model_id = @m AND v.version = (SELECT version FROM model_aliases WHERE model_id = @m AND alias = @a)", [("@m", id), ("@a", alias)], ct);
        return versions.Count == 1 ? versions[0] : throw GyreException.NotFound($"registered model '{name}' has no alias '{alias}'");
    }, ct);

    public Task DeleteAliasAsync(string name, string alias, CancellationToken ct) => _db.WriteAsync(async (c, t) =>
    {
        var id = await RequireModelAsync(c, t, name, ct);
        if (await c.ExecuteAsync("DELETE FROM model_aliases WHERE model_id = @m AND alias = @a", t, ct, ("@m", id), ("@a", alias)) == 0)
        {
            throw GyreException.NotFound($"registered model '{name}' has no alias '{alias}'");
        }
    }, ct);

    private static async Task<long> RequireVersionAsync(DbConnection c, DbTransaction t, string name, long version, CancellationToken ct)
    {
        var id = await RequireModelAsync(c, t, name, ct);
        return await c.ScalarAsync("SELECT 1 FROM model_versions WHERE model_id = @m AND version = @v", t, ct, ("@m", id), ("@v", version)) is null
            ? throw VersionNotFound(name, version)
            : id;
    }

    private static GyreException VersionNotFound(string name, long version) =>
        GyreException.NotFound($"registered model '{name}' has no version {version}");

    private static Task UpsertVersionTagAsync(DbConnection c, DbTransaction t, long id, long version, Tag tag, CancellationToken ct) =>
        c.ExecuteAsync("INSERT INTO model_version_tags (model_id, version, key, value) VALUES (@m, @v, @k, @x) ON CONFLICT (model_id, version, key) DO UPDATE SET value = excluded.value",
            t, ct, ("@m", id), ("@v", version), ("@k", tag.Key), ("@x", tag.Value));

    private async Task<List<ModelVersion>> ReadVersionsAsync(DbConnection c, DbTransaction? t, string tail, IReadOnlyList<(string, object?)> parameters, CancellationToken ct)
    {
        var rows = await c.QueryAsync($"SELECT {VersionColumns} FROM model_versions v JOIN registered_models m USING (model_id) {tail}", t,
            r => (Model: r.GetInt64(0), Name: r.GetString(1), Version: r.GetInt64(2), Source: r.GetString(3), Run: r.NullableString(4), Path: r.NullableString(5),
                Status: r.GetString(6), Description: r.NullableString(7), Created: r.GetInt64(8), Updated: r.GetInt64(9)), ct, [.. parameters]);
        if (rows.Count == 0)
        {
            return [];
        }
        // Tags and aliases of the whole page in two queries, keyed by "model_id/version".
        var keys = _db.Dialect.List(rows.Select(r => $"{r.Model}/{r.Version}"));
        var inKeys = _db.Dialect.InList("(model_id || '/' || version)", "@keys");
        var tags = (await c.QueryAsync($"SELECT model_id || '/' || version, key, value FROM model_version_tags WHERE {inKeys} ORDER BY key", t,
            r => (Key: r.GetString(0), Tag: new Tag(r.GetString(1), r.GetString(2))), ct, ("@keys", keys))).ToLookup(x => x.Key, x => x.Tag);
        var aliases = (await c.QueryAsync($"SELECT model_id || '/' || version, alias FROM model_aliases WHERE {inKeys} ORDER BY alias", t,
            r => (Key: r.GetString(0), Alias: r.GetString(1)), ct, ("@keys", keys))).ToLookup(x => x.Key, x => x.Alias);
        var result = new List<ModelVersion>(rows.Count);
        foreach (var row in rows)
        {
            var key = $"{row.Model}/{row.Version}";
            result.Add(new ModelVersion(row.Name, row.Version, row.Source, row.Run is null ? null : new RunId(row.Run), row.Path,
                row.Status switch { "PENDING_REGISTRATION" => ModelVersionStatus.PendingRegistration, "FAILED_REGISTRATION" => ModelVersionStatus.FailedRegistration, _ => ModelVersionStatus.Ready },
                row.Description, row.Created, row.Updated, tags[key].ToList(), aliases[key].ToList()));
        }
        return result;
    }
}
