using System.Text.Json;
using Gyre.Core.Serving.Traffic;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Serving;

/// <summary>Each replica's running totals per variant, a row each, replaced at every publication.</summary>
internal sealed class SqlTrafficTotalsStore(SqlDatabase db) : ITrafficTotalsStore
{
    public Task PublishAsync(string replica, IReadOnlyList<VariantTotals> totals, long nowMs, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        foreach (var (_, endpoint, variant, counts) in totals)
        {
            await c.ExecuteAsync("""
                INSERT INTO variant_totals (replica, endpoint, variant, requests, errors, compared, agreed, latency_bins, updated_at)
                VALUES (@r, @e, @v, @n, @x, @c, @a, @b, @u)
                ON CONFLICT (endpoint, variant, replica) DO UPDATE SET requests = excluded.requests, errors = excluded.errors,
                    compared = excluded.compared, agreed = excluded.agreed, latency_bins = excluded.latency_bins, updated_at = excluded.updated_at
                """, t, ct, ("@r", replica), ("@e", endpoint), ("@v", variant), ("@n", counts.Requests), ("@x", counts.Errors),
                ("@c", counts.Compared), ("@a", counts.Agreed), ("@b", JsonSerializer.Serialize(counts.Latencies)), ("@u", nowMs));
        }
    }, ct);

    public Task<IReadOnlyList<VariantTotals>> ReadAsync(string endpoint, CancellationToken ct) => db.ReadAsync<IReadOnlyList<VariantTotals>>(async c =>
        await c.QueryAsync("SELECT replica, endpoint, variant, requests, errors, compared, agreed, latency_bins FROM variant_totals WHERE endpoint = @e ORDER BY variant, replica",
            null, r => new VariantTotals(r.GetString(0), r.GetString(1), r.GetString(2),
                new TrafficCounts(r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), JsonSerializer.Deserialize<long[]>(r.GetString(7)) ?? [])), ct, ("@e", endpoint)), ct);

    public Task ForgetAsync(long beforeMs, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        await c.ExecuteAsync("DELETE FROM variant_totals WHERE updated_at < @b", t, ct, ("@b", beforeMs)), ct);
}
