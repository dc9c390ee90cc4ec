using System.Data.Common;
using Gyre.Core.Coordination;
using Gyre.Core.Errors;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Coordination;

/// <summary>
/// Leases as rows of <c>leases</c> (one per singleton), taken and extended by one upsert each, with
/// every time read from the database's clock. <see cref="FenceAsync"/> is the check a singleton's
/// write makes in its own transaction.
/// </summary>
internal sealed class SqlLeaseStore(SqlDatabase db) : ILeaseStore
{
    public Task<Lease?> AcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken ct)
    {
        Check(name, holder, ttl);
        return db.WriteAsync((c, t) => AcquireAsync(c, t, db.Dialect, name, holder, ttl, ct), ct);
    }

    /// <summary>
    /// Takes or extends the lease inside the caller's transaction (a queue's claim takes the claimed
    /// run's, with <paramref name="newEpoch"/>).
    /// </summary>
    public static async Task<Lease?> AcquireAsync(DbConnection c, DbTransaction t, SqlDialect dialect, string name, string holder, TimeSpan ttl, CancellationToken ct,
        bool newEpoch = false)
    {
        var rows = await c.QueryAsync(TakeSql(dialect, $"VALUES (@n, @h, 1, {dialect.NowMilliseconds} + @ttl)", newEpoch) + " RETURNING epoch, expires_at",
            t, r => (Epoch: r.GetInt64(0), ExpiresAt: r.GetInt64(1)), ct, ("n", name), ("h", holder), ("ttl", Milliseconds(ttl)));
        return rows.Count == 0 ? null : new Lease(name, holder, rows[0].Epoch, rows[0].ExpiresAt);
    }

    /// <summary>
    /// The upsert that takes or extends leases, for the rows <paramref name="rows"/> gives as
    /// (name, holder, 1, expires_at): a lease is taken when it is free or ran out, or extended by its
    /// holder; a row whose lease another holds is left alone (and returns nothing). A holder that
    /// takes its own lease again after it ran out gets a new epoch too: what it wrote under the old
    /// one after the end is as stale as another's. With <paramref name="newEpoch"/> every take is a
    /// new epoch, its holder's own live lease too: a queue's claim starts a new ownership, which
    /// the same process's earlier hold (recovery requeues a run under the run's lease, then lets it
    /// go by its epoch) must neither share nor release.
    /// </summary>
    public static string TakeSql(SqlDialect dialect, string rows, bool newEpoch = false)
    {
        var now = dialect.NowMilliseconds;
        var epoch = newEpoch ? "leases.epoch + 1" : $"CASE WHEN leases.holder = excluded.holder AND leases.expires_at > {now} THEN leases.epoch ELSE leases.epoch + 1 END";
        return $"""
            INSERT INTO leases (name, holder, epoch, expires_at) {rows}
            ON CONFLICT (name) DO UPDATE SET
                epoch = {epoch},
                holder = excluded.holder,
                expires_at = excluded.expires_at
            WHERE leases.holder = excluded.holder OR leases.expires_at <= {now}
            """;
    }

    /// <summary>A lease's length as the <c>@ttl</c> the statements bind.</summary>
    public static long Milliseconds(TimeSpan ttl) => (long)ttl.TotalMilliseconds;

    public Task<Lease?> TakeOverAsync(string name, string holder, string from, TimeSpan ttl, CancellationToken ct)
    {
        Check(name, holder, ttl);
        var now = db.Dialect.NowMilliseconds;
        return db.WriteAsync(async (c, t) =>
        {
            var rows = await c.QueryAsync($"""
                UPDATE leases SET holder = @h, epoch = epoch + 1, expires_at = {now} + @ttl
                WHERE name = @n AND (holder = @from OR expires_at <= {now})
                RETURNING epoch, expires_at
                """, t, r => (Epoch: r.GetInt64(0), ExpiresAt: r.GetInt64(1)), ct, ("n", name), ("h", holder), ("from", from), ("ttl", Milliseconds(ttl)));
            return rows.Count == 0 ? null : new Lease(name, holder, rows[0].Epoch, rows[0].ExpiresAt);
        }, ct);
    }

    public Task<string?> HolderAsync(string name, CancellationToken ct) => db.ReadAsync(async c =>
        (await c.QueryAsync($"SELECT holder FROM leases WHERE name = @n AND expires_at > {db.Dialect.NowMilliseconds}", null, r => r.GetString(0), ct, ("n", name)))
            .FirstOrDefault(), ct);

    public Task<bool> RenewAsync(Lease lease, TimeSpan ttl, CancellationToken ct)
    {
        Check(lease.Name, lease.Holder, ttl);
        var now = db.Dialect.NowMilliseconds;
        return db.WriteAsync(async (c, t) => await c.ExecuteAsync(
            $"UPDATE leases SET expires_at = {now} + @ttl WHERE name = @n AND holder = @h AND epoch = @e AND expires_at > {now}",
            t, ct, ("n", lease.Name), ("h", lease.Holder), ("e", lease.Epoch), ("ttl", Milliseconds(ttl))) == 1, ct);
    }

    public Task ReleaseAsync(Lease lease, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        await c.ExecuteAsync("UPDATE leases SET expires_at = 0 WHERE name = @n AND holder = @h AND epoch = @e",
            t, ct, ("n", lease.Name), ("h", lease.Holder), ("e", lease.Epoch)), ct);

    public Task<bool> HoldsAsync(Lease lease, CancellationToken ct) => db.ReadAsync(async c =>
        await HeldAsync(c, null, db.Dialect, lease, ct), ct);

    /// <summary>
    /// Fences a write transaction by the lease of <see cref="LeaseFence.Current"/>, if its work runs
    /// under one: every database write checks here, just before it commits.
    /// </summary>
    public static Task FenceCurrentAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, CancellationToken ct) =>
        LeaseFence.Current is { } lease ? FenceAsync(connection, transaction, dialect, lease, ct) : Task.CompletedTask;

    /// <summary>
    /// Refuses the write of a transaction whose lease is no longer its holder's at its epoch: the check
    /// and the write commit together, so a holder that lost its lease cannot write a single row after.
    /// </summary>
    public static async Task FenceAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, Lease lease, CancellationToken ct)
    {
        if (!await HeldAsync(connection, transaction, dialect, lease, ct))
        {
            throw GyreException.Conflict($"lease '{lease.Name}': {lease.Holder} no longer holds it at epoch {lease.Epoch} (it ran out, or another replica took over); nothing was written");
        }
    }

    private static async Task<bool> HeldAsync(DbConnection connection, DbTransaction? transaction, SqlDialect dialect, Lease lease, CancellationToken ct) =>
        Convert.ToInt64(await connection.ScalarAsync(
            $"SELECT COUNT(*) FROM leases WHERE name = @n AND holder = @h AND epoch = @e AND expires_at > {dialect.NowMilliseconds}",
            transaction, ct, ("n", lease.Name), ("h", lease.Holder), ("e", lease.Epoch)), System.Globalization.CultureInfo.InvariantCulture) == 1;

    private static void Check(string name, string holder, TimeSpan ttl)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(name))
        {
            problems.Add("name: required");
        }
        if (string.IsNullOrWhiteSpace(holder))
        {
            problems.Add("holder: required");
        }
        if (ttl < TimeSpan.FromMilliseconds(1) || ttl > TimeSpan.FromDays(1))
        {
            problems.Add($"ttl: expected from 1 ms to 1 day, got {ttl}");
        }
        GyreException.ThrowIfAny(problems);
    }
}
