using Gyre.Core.Data;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Errors;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Data;

/// <summary>Declared schemas, kept on the dataset, and the comparisons of versions with them.</summary>
internal sealed partial class SqlDatasetStore
{
    public Task<DatasetSchema?> GetSchemaAsync(string name, CancellationToken ct) => db.ReadAsync(async c =>
        FromJson<DatasetSchema>(await c.ScalarAsync("SELECT schema FROM datasets WHERE name = @n", null, ct, ("@n", name)) as string), ct);

    public Task SetSchemaAsync(string name, DatasetSchema schema, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        await c.ExecuteAsync("""
            INSERT INTO datasets (name, creation_time, schema) VALUES (@n, @t, @s)
            ON CONFLICT (name) DO UPDATE SET schema = excluded.schema
            """, t, ct, ("@n", name), ("@t", time.GetUtcNow().ToUnixTimeMilliseconds()), ("@s", Json(schema))), ct);

    public Task<bool> DeleteSchemaAsync(string name, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        await c.ExecuteAsync("UPDATE datasets SET schema = NULL WHERE name = @n AND schema IS NOT NULL", t, ct, ("@n", name)) > 0, ct);

    /// <summary>The kept reference statistics go: they follow the columns' roles, which may have changed.</summary>
    public Task<DatasetVersion> SetSchemaCheckAsync(string name, long version, IReadOnlyList<ColumnSchema> columns, IReadOnlyList<SchemaMismatch> mismatches, CancellationToken ct) =>
        db.WriteAsync(async (c, t) =>
        {
            var changed = await c.ExecuteAsync("""
                UPDATE dataset_versions SET columns = @c, schema_mismatches = @m, reference = NULL
                WHERE version = @v AND dataset_id = (SELECT dataset_id FROM datasets WHERE name = @n)
                """, t, ct, ("@c", Json(columns)), ("@m", mismatches.Count > 0 ? Json(mismatches) : null), ("@v", version), ("@n", name));
            if (changed == 0)
            {
                throw GyreException.NotFound($"dataset '{name}' has no version {version}");
            }
            return (await ReadAsync(c, t, "WHERE d.name = @n AND v.version = @v", [("@n", name), ("@v", version)], ct))[0];
        }, ct);
}
