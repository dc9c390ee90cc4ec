using System.Text.Json;
using Gyre.Core.Serving.Traffic;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Serving;

/// <summary>The variants' recent traffic intervals in the metadata database, a row each per replica.</summary>
internal sealed class SqlTrafficStore(SqlDatabase db) : ITrafficStore
{
    public Task SaveAsync(string replica, IReadOnlyList<VariantTraffic> intervals, long keepSince, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        foreach (var (endpoint, variant, interval) in intervals)
        {
            await c.ExecuteAsync(
                "INSERT INTO traffic_by_replica (endpoint, variant, start, replica, requests, errors, latency_bins) VALUES (@e, @v, @s, @p, @r, @x, @b) "
                + "ON CONFLICT (endpoint, variant, start, replica) DO UPDATE SET requests = excluded.requests, errors = excluded.errors, latency_bins = excluded.latency_bins", t, ct,
                ("@e", endpoint), ("@v", variant), ("@s", interval.Start), ("@p", replica), ("@r", interval.Requests), ("@x", interval.Errors),
                ("@b", JsonSerializer.Serialize(interval.LatencyBins)));
        }
        await c.ExecuteAsync("DELETE FROM traffic_by_replica WHERE start < @k", t, ct, ("@k", keepSince));
    }, ct);

    public Task<IReadOnlyList<VariantTraffic>> LoadAsync(string? endpoint, long since, string exceptReplica, CancellationToken ct) => db.ReadAsync<IReadOnlyList<VariantTraffic>>(async c =>
        await c.QueryAsync(
            "SELECT endpoint, variant, start, requests, errors, latency_bins FROM traffic_by_replica "
            + $"WHERE start >= @s AND replica <> @p{(endpoint is null ? "" : " AND endpoint = @e")} ORDER BY start, endpoint, variant", null,
            r => new VariantTraffic(r.GetString(0), r.GetString(1),
                new TrafficInterval(r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), JsonSerializer.Deserialize<long[]>(r.GetString(5)) ?? [])), ct,
            ("@s", since), ("@p", exceptReplica), ("@e", endpoint)), ct);
}
