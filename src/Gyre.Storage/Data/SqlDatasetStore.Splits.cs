using Gyre.Core.Data.Reference;
using Gyre.Core.Data.Splits;
using Gyre.Core.Errors;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Data;

/// <summary>Recorded splits of versions, and the reference statistics kept with versions.</summary>
internal sealed partial class SqlDatasetStore
{
    private const string SourceVersion = "dataset_id = (SELECT dataset_id FROM datasets WHERE name = @n) AND version = @v";

    public Task<(DatasetSplit Split, bool Created)> AddSplitAsync(DatasetSplit split, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var stored = split with { CreationTime = now };
        var inserted = await c.ExecuteAsync($"""
            INSERT INTO dataset_splits (split_id, dataset_id, version, body, creation_time)
            SELECT @id, dataset_id, version, @b, @t FROM dataset_versions WHERE {SourceVersion}
            ON CONFLICT (split_id) DO NOTHING
            """, t, ct, ("@id", split.Id), ("@b", Json(stored)), ("@t", now), ("@n", split.Dataset), ("@v", split.Version));
        if (inserted == 1)
        {
            return (stored, true);
        }
        // Recorded by a concurrent request for the same split, or its source is gone.
        var existing = FromJson<DatasetSplit>(await c.ScalarAsync("SELECT body FROM dataset_splits WHERE split_id = @id", t, ct, ("@id", split.Id)) as string)
            ?? throw GyreException.NotFound($"dataset '{split.Dataset}' has no version {split.Version}");
        return (existing, false);
    }, ct);

    public Task<DatasetSplit?> FindSplitAsync(string id, CancellationToken ct) => db.ReadAsync(async c =>
        FromJson<DatasetSplit>(await c.ScalarAsync("SELECT body FROM dataset_splits WHERE split_id = @id", null, ct, ("@id", id)) as string), ct);

    public Task<IReadOnlyList<DatasetSplit>> ListSplitsAsync(string name, long version, CancellationToken ct) => db.ReadAsync(async c =>
        (IReadOnlyList<DatasetSplit>)(await c.QueryAsync($"SELECT body FROM dataset_splits WHERE {SourceVersion} ORDER BY creation_time, split_id", null,
            r => FromJson<DatasetSplit>(r.GetString(0))!, ct, ("@n", name), ("@v", version))), ct);

    public Task<ReferenceStatistics?> GetReferenceAsync(string name, long version, CancellationToken ct) => db.ReadAsync(async c =>
        FromJson<ReferenceStatistics>(await c.ScalarAsync($"SELECT reference FROM dataset_versions WHERE {SourceVersion}", null, ct, ("@n", name), ("@v", version)) as string), ct);

    public Task SetReferenceAsync(string name, long version, ReferenceStatistics statistics, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        if (await c.ExecuteAsync($"UPDATE dataset_versions SET reference = @r WHERE {SourceVersion}", t, ct, ("@r", Json(statistics)), ("@n", name), ("@v", version)) == 0)
        {
            throw GyreException.NotFound($"dataset '{name}' has no version {version}");
        }
    }, ct);
}
