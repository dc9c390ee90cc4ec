using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Data.Validation;
using Gyre.Core.Errors;
using Gyre.Core.Json;
using Gyre.Core.Search;
using Gyre.Core.Tracking;
using Gyre.Storage.Sql;
using System.Data.Common;

namespace Gyre.Storage.Data;

/// <summary>Datasets and their versions.</summary>
internal sealed partial class SqlDatasetStore(SqlDatabase db, TimeProvider time) : IDatasetStore
{
    private const string VersionColumns =
        "d.name, v.version, v.digest, v.format, v.row_count, v.size_bytes, v.columns, v.source, v.status, v.creation_time, " +
        "v.read_options, v.skipped_rows, v.schema_mismatches, v.derived_from, v.validation";

    public Task<DatasetVersion?> FindByDigestAsync(string name, string digest, CancellationToken ct) => db.ReadAsync(async c =>
        (await ReadAsync(c, null, "WHERE d.name = @n AND v.digest = @d", [("@n", name), ("@d", digest)], ct)).FirstOrDefault(), ct);

    public Task<(DatasetVersion Version, bool Created)> AddVersionAsync(string name, NewDatasetVersion version, CancellationToken ct) =>
        db.WriteAsync(async (c, t) =>
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            await c.ExecuteAsync("INSERT INTO datasets (name, creation_time) VALUES (@n, @t) ON CONFLICT (name) DO NOTHING", t, ct, ("@n", name), ("@t", now));
            var id = (long)(await c.ScalarAsync("SELECT dataset_id FROM datasets WHERE name = @n", t, ct, ("@n", name)))!;
            var existing = await ReadAsync(c, t, "WHERE v.dataset_id = @id AND v.digest = @d", [("@id", id), ("@d", version.Digest)], ct);
            if (existing.Count > 0)
            {
                return (existing[0], false);
            }
            var number = (long)(await c.ScalarAsync(
                "UPDATE datasets SET next_version = next_version + 1 WHERE dataset_id = @id RETURNING next_version - 1", t, ct, ("@id", id)))!;
            await c.ExecuteAsync("""
                INSERT INTO dataset_versions (dataset_id, version, digest, format, row_count, size_bytes, columns, profile, source, status, creation_time,
                    read_options, skipped_rows, schema_mismatches, derived_from)
                VALUES (@id, @v, @d, @f, @r, @s, @c, @p, @src, 'ready', @t, @ro, @sk, @sm, @df)
                """, t, ct, ("@id", id), ("@v", number), ("@d", version.Digest), ("@f", FormatText(version.Format)), ("@r", version.File.Rows),
                ("@s", version.SizeBytes), ("@c", Json(version.Columns)), ("@p", Json(version.File.Profile)), ("@src", version.Source), ("@t", now),
                ("@ro", Json(version.Options)), ("@sk", Json(version.File.Skipped)), ("@sm", version.Mismatches.Count > 0 ? Json(version.Mismatches) : null),
                ("@df", Json(version.DerivedFrom)));
            return ((await ReadAsync(c, t, "WHERE v.dataset_id = @id AND v.version = @v", [("@id", id), ("@v", number)], ct))[0], true);
        }, ct);

    public Task<DatasetVersion> GetVersionAsync(string name, long version, CancellationToken ct) => db.ReadAsync(async c =>
    {
        var found = version == 0
            ? await ReadAsync(c, null, "WHERE d.name = @n ORDER BY v.version DESC LIMIT 1", [("@n", name)], ct)
            : await ReadAsync(c, null, "WHERE d.name = @n AND v.version = @v", [("@n", name), ("@v", version)], ct);
        if (found.Count == 1)
        {
            return found[0];
        }
        await RequireDatasetAsync(c, name, ct);
        throw GyreException.NotFound($"dataset '{name}' has no version {version}");
    }, ct);

    public Task SetValidationAsync(string name, long version, string status, ValidationReport report, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        var changed = await c.ExecuteAsync(
            "UPDATE dataset_versions SET status = @s, validation = @r WHERE version = @v AND dataset_id = (SELECT dataset_id FROM datasets WHERE name = @n)",
            t, ct, ("@s", status), ("@r", Json(report)), ("@v", version), ("@n", name));
        if (changed == 0)
        {
            throw GyreException.NotFound($"dataset '{name}' has no version {version}");
        }
    }, ct);

    public Task<DatasetProfile> GetProfileAsync(string name, long version, CancellationToken ct) => db.ReadAsync(async c =>
    {
        // One query on this connection; 0 picks the latest version, as in GetVersionAsync.
        var json = await c.ScalarAsync("""
            SELECT v.profile FROM dataset_versions v JOIN datasets d USING (dataset_id)
            WHERE d.name = @n AND (@v = 0 OR v.version = @v) ORDER BY v.version DESC LIMIT 1
            """, null, ct, ("@n", name), ("@v", version)) as string;
        if (json is null)
        {
            await RequireDatasetAsync(c, name, ct);
            throw GyreException.NotFound($"dataset '{name}' has no version {version}");
        }
        return JsonSerializer.Deserialize<DatasetProfile>(json, GyreJson.Options)!;
    }, ct);

    public Task<Page<DatasetVersion>> ListVersionsAsync(string name, int maxResults, string? pageToken, CancellationToken ct)
    {
        MaxResults.Check(maxResults, 10_000);
        var parameters = new List<(string, object?)> { ("@n", name), ("@limit", maxResults + 1) };
        var keyset = SqlKeyset.Open([new SortKey("v.version", Descending: true)], pageToken, $"dataset-versions|{name}", parameters, db.Dialect);
        return db.ReadAsync(async c =>
        {
            await RequireDatasetAsync(c, name, ct);
            var versions = await ReadAsync(c, null, $"WHERE d.name = @n AND {keyset.After} ORDER BY {keyset.OrderBy} LIMIT @limit", parameters, ct);
            return keyset.ToPage(versions, maxResults, v => [v.Version]);
        }, ct);
    }

    public Task<IReadOnlyList<(string Digest, DatasetFormat Format)>> DeleteDatasetAsync(string name, CancellationToken ct) =>
        db.WriteAsync<IReadOnlyList<(string, DatasetFormat)>>(async (c, t) =>
        {
            var contents = await c.QueryAsync("SELECT DISTINCT v.digest, v.format FROM dataset_versions v JOIN datasets d USING (dataset_id) WHERE d.name = @n", t,
                r => (r.GetString(0), r.GetString(1) == "csv" ? DatasetFormat.Csv : DatasetFormat.Parquet), ct, ("@n", name));
            if (await c.ExecuteAsync("DELETE FROM datasets WHERE name = @n", t, ct, ("@n", name)) == 0)
            {
                throw GyreException.NotFound($"dataset '{name}' does not exist");
            }
            var orphans = new List<(string, DatasetFormat)>();
            foreach (var (digest, format) in contents)
            {
                if (await c.ScalarAsync("SELECT 1 FROM dataset_versions WHERE digest = @d LIMIT 1", t, ct, ("@d", digest)) is null)
                {
                    orphans.Add((digest, format));
                }
            }
            return orphans;
        }, ct);

    public Task<Page<Dataset>> ListDatasetsAsync(int maxResults, string? pageToken, CancellationToken ct)
    {
        MaxResults.Check(maxResults, 10_000);
        var parameters = new List<(string, object?)> { ("@limit", maxResults + 1) };
        var keyset = SqlKeyset.Open([new SortKey("d.name")], pageToken, "datasets", parameters, db.Dialect);
        return db.ReadAsync(async c =>
        {
            var rows = await c.QueryAsync($"""
                SELECT d.name, d.creation_time, v.version, v.digest FROM datasets d
                LEFT JOIN dataset_versions v ON v.dataset_id = d.dataset_id
                    AND v.version = (SELECT MAX(version) FROM dataset_versions WHERE dataset_id = d.dataset_id)
                WHERE {keyset.After} ORDER BY {keyset.OrderBy} LIMIT @limit
                """, null, r => new Dataset(r.GetString(0), r.GetInt64(1), r.NullableInt64(2), r.NullableString(3)), ct, [.. parameters]);
            return keyset.ToPage(rows, maxResults, d => [d.Name]);
        }, ct);
    }

    private static async Task RequireDatasetAsync(DbConnection c, string name, CancellationToken ct)
    {
        if (await c.ScalarAsync("SELECT 1 FROM datasets WHERE name = @n", null, ct, ("@n", name)) is null)
        {
            throw GyreException.NotFound($"dataset '{name}' does not exist");
        }
    }

    private static string FormatText(DatasetFormat format) => format == DatasetFormat.Csv ? "csv" : "parquet";

    private static Task<List<DatasetVersion>> ReadAsync(DbConnection c, DbTransaction? t, string tail, IReadOnlyList<(string, object?)> parameters, CancellationToken ct) =>
        c.QueryAsync($"SELECT {VersionColumns} FROM dataset_versions v JOIN datasets d USING (dataset_id) {tail}", t, r =>
        {
            var mismatches = FromJson<List<SchemaMismatch>>(r.NullableString(12));
            // A version whose columns do not match the declared schema is failed, whatever validation said.
            var status = mismatches is { Count: > 0 } ? DatasetStatuses.Failed : r.GetString(8);
            return new DatasetVersion(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3) == "csv" ? DatasetFormat.Csv : DatasetFormat.Parquet,
                r.GetInt64(4), r.GetInt64(5), FromJson<List<ColumnSchema>>(r.GetString(6)) ?? [], r.NullableString(7), status, r.GetInt64(9),
                FromJson<ReadOptions>(r.NullableString(10)), FromJson<BadRows>(r.NullableString(11)), mismatches, FromJson<DatasetDerivation>(r.NullableString(13)),
                FromJson<ValidationReport>(r.NullableString(14)));
        }, ct, [.. parameters]);

    private static string? Json<T>(T? value) => value is null ? null : JsonSerializer.Serialize(value, GyreJson.Options);

    private static T? FromJson<T>(string? json) where T : class => json is null ? null : JsonSerializer.Deserialize<T>(json, GyreJson.Options);
}
