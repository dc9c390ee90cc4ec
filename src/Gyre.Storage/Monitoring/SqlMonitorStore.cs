using System.Globalization;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Monitoring;

/// <summary>Endpoint monitors and their drift windows, as JSON records.</summary>
internal sealed class SqlMonitorStore(SqlDatabase db) : IMonitorStore
{
    public Task SaveMonitorAsync(EndpointMonitorState monitor, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        await c.ExecuteAsync("INSERT INTO monitors (endpoint, body) VALUES (@e, @b) ON CONFLICT (endpoint) DO UPDATE SET body = excluded.body", t, ct, ("@e", monitor.Endpoint), ("@b", JsonRecords.Write(monitor))), ct);

    public Task<EndpointMonitorState?> GetMonitorAsync(string endpoint, CancellationToken ct) => db.ReadAsync(async c =>
        (await c.QueryAsync("SELECT body FROM monitors WHERE endpoint = @e", null, r => JsonRecords.Read<EndpointMonitorState>(r.GetString(0)), ct, ("@e", endpoint))).FirstOrDefault(), ct);

    public Task<IReadOnlyList<EndpointMonitorState>> ListMonitorsAsync(CancellationToken ct) => db.ReadAsync<IReadOnlyList<EndpointMonitorState>>(async c =>
        await c.QueryAsync("SELECT body FROM monitors ORDER BY endpoint", null, r => JsonRecords.Read<EndpointMonitorState>(r.GetString(0)), ct), ct);

    public Task<bool> DeleteMonitorAsync(string endpoint, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        await c.ExecuteAsync("DELETE FROM monitors WHERE endpoint = @e", t, ct, ("@e", endpoint)) > 0, ct);

    public Task<DriftWindow> AddWindowAsync(DriftWindow window, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        var id = Convert.ToInt64(await c.ScalarAsync("INSERT INTO drift_windows (endpoint, end_time, body) VALUES (@e, @end, '{}') RETURNING window_id", t, ct,
            ("@e", window.Endpoint), ("@end", window.End)), CultureInfo.InvariantCulture);
        var stored = window with { Id = id };
        await c.ExecuteAsync("UPDATE drift_windows SET body = @b WHERE window_id = @id", t, ct, ("@b", JsonRecords.Write(stored)), ("@id", id));
        // The monitor moves on in the same transaction: a crash never checks a window twice or skips one.
        var monitor = (await c.QueryAsync("SELECT body FROM monitors WHERE endpoint = @e", t, r => JsonRecords.Read<EndpointMonitorState>(r), ct,
            ("@e", window.Endpoint))).FirstOrDefault();
        if (monitor is not null)
        {
            await c.ExecuteAsync("UPDATE monitors SET body = @b WHERE endpoint = @e", t, ct,
                ("@b", JsonRecords.Write(monitor with { NextWindowStart = window.End })), ("@e", window.Endpoint));
        }
        return stored;
    }, ct);

    public Task<IReadOnlyList<DriftWindow>> ListWindowsAsync(string endpoint, int limit, CancellationToken ct) => db.ReadAsync<IReadOnlyList<DriftWindow>>(async c =>
        await c.QueryAsync("SELECT body FROM drift_windows WHERE endpoint = @e ORDER BY window_id DESC LIMIT @l", null,
            r => JsonRecords.Read<DriftWindow>(r.GetString(0)), ct, ("@e", endpoint), ("@l", limit)), ct);
}
