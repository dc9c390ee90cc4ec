using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Json;
using Gyre.Core.Features.Lookups;
using Gyre.Core.Serving.Batching;
using Gyre.Core.Serving.Endpoints;
using Gyre.Storage.Sql;
using System.Data.Common;

namespace Gyre.Storage.Serving;

/// <summary>
/// Endpoints; the variants are one JSON column, replaced in one write. Every write raises the routing
/// version in the same transaction (<see cref="SqlRoutingChanges"/>), so other replicas reload.
/// </summary>
internal sealed class SqlEndpointStore(SqlDatabase db, TimeProvider time) : IEndpointStore
{
    private const string Columns = "name, model, description, log_mode, variants, creation_time, last_update_time, batching, features";

    public async Task CreateEndpointAsync(Endpoint endpoint, CancellationToken ct)
    {
        try
        {
            await db.WriteAsync(async (c, t) =>
            {
                await c.ExecuteAsync($"INSERT INTO endpoints ({Columns}) VALUES (@n, @m, @d, @l, @v, @c, @u, @b, @f)", t, ct,
                    ("@n", endpoint.Name), ("@m", endpoint.Model), ("@d", endpoint.Description), ("@l", endpoint.LogMode),
                    ("@v", JsonSerializer.Serialize(endpoint.Variants, GyreJson.Options)), ("@c", endpoint.CreationTime), ("@u", endpoint.LastUpdateTime),
                    ("@b", Json(endpoint.Batching)), ("@f", Json(endpoint.Features)));
                await SqlRoutingChanges.RaiseAsync(c, t, db.Dialect, ct);
            }, ct);
        }
        catch (DbException e) when (db.Dialect.IsUniqueViolation(e))
        {
            throw GyreException.AlreadyExists($"endpoint '{endpoint.Name}' already exists");
        }
    }

    public Task<Endpoint> GetEndpointAsync(string name, CancellationToken ct) => db.ReadAsync(async c =>
        (await c.QueryAsync($"SELECT {Columns} FROM endpoints WHERE name = @n", null, Map, ct, ("@n", name))).FirstOrDefault()
        ?? throw GyreException.NotFound($"endpoint '{name}' does not exist"), ct);

    public Task<IReadOnlyList<Endpoint>> ListEndpointsAsync(CancellationToken ct) => db.ReadAsync<IReadOnlyList<Endpoint>>(async c =>
        await c.QueryAsync($"SELECT {Columns} FROM endpoints ORDER BY name", null, Map, ct), ct);

    public Task<Endpoint> UpdateEndpointAsync(string name, string model, IReadOnlyList<EndpointVariant> variants, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        if (await c.ExecuteAsync("UPDATE endpoints SET model = @m, variants = @v, last_update_time = @u WHERE name = @n", t, ct,
                ("@m", model), ("@v", JsonSerializer.Serialize(variants, GyreJson.Options)), ("@u", time.GetUtcNow().ToUnixTimeMilliseconds()), ("@n", name)) == 0)
        {
            throw GyreException.NotFound($"endpoint '{name}' does not exist");
        }
        await SqlRoutingChanges.RaiseAsync(c, t, db.Dialect, ct);
        return (await c.QueryAsync($"SELECT {Columns} FROM endpoints WHERE name = @n", t, Map, ct, ("@n", name))).Single();
    }, ct);

    public Task<Endpoint> SetBatchingAsync(string name, BatchSettings? batching, CancellationToken ct) => SetAsync(name, "batching", Json(batching), ct);

    public Task<Endpoint> SetFeaturesAsync(string name, FeatureLookup? features, CancellationToken ct) => SetAsync(name, "features", Json(features), ct);

    /// <summary>Sets one of an endpoint's JSON settings and raises the routing version, so every replica reloads it.</summary>
    private Task<Endpoint> SetAsync(string name, string column, string? value, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        if (await c.ExecuteAsync($"UPDATE endpoints SET {column} = @v, last_update_time = @u WHERE name = @n", t, ct,
                ("@v", value), ("@u", time.GetUtcNow().ToUnixTimeMilliseconds()), ("@n", name)) == 0)
        {
            throw GyreException.NotFound($"endpoint '{name}' does not exist");
        }
        await SqlRoutingChanges.RaiseAsync(c, t, db.Dialect, ct);
        return (await c.QueryAsync($"SELECT {Columns} FROM endpoints WHERE name = @n", t, Map, ct, ("@n", name))).Single();
    }, ct);

    public Task DeleteEndpointAsync(string name, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        if (await c.ExecuteAsync("DELETE FROM endpoints WHERE name = @n", t, ct, ("@n", name)) == 0)
        {
            throw GyreException.NotFound($"endpoint '{name}' does not exist");
        }
        await SqlRoutingChanges.RaiseAsync(c, t, db.Dialect, ct);
    }, ct);

    private static Endpoint Map(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.NullableString(2), r.GetString(3),
        JsonSerializer.Deserialize<List<EndpointVariant>>(r.GetString(4), GyreJson.Options)!, r.GetInt64(5), r.GetInt64(6),
        r.NullableString(7) is { } batching ? JsonSerializer.Deserialize<BatchSettings>(batching, GyreJson.Options) : null,
        r.NullableString(8) is { } features ? JsonSerializer.Deserialize<FeatureLookup>(features, GyreJson.Options) : null);

    private static string? Json<T>(T? value) where T : class => value is null ? null : JsonSerializer.Serialize(value, GyreJson.Options);
}
