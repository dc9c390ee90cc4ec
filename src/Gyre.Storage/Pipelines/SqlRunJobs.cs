using System.Data.Common;
using Gyre.Core.Coordination;
using Gyre.Core.Pipelines.Runs;
using Gyre.Storage.Coordination;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Pipelines;

/// <summary>
/// The runs waiting for a worker, a row each in <c>pipeline_jobs</c>. A claim deletes the oldest ready
/// row, locking it so that concurrent claimers skip it (<c>FOR UPDATE SKIP LOCKED</c>, at READ
/// COMMITTED on PostgreSQL), and takes the run's lease in the same transaction: a run is claimed
/// once, and from the claim on it is its worker's. The hot statement touches no other table, so it
/// stays one step down the primary key whatever the planner knows; a run whose lease is still held
/// goes back with its <c>ready_at</c> at the lease's end, or a second on, whichever comes first.
/// Queuing announces on <see cref="Channel"/>, so idle workers wake at once instead of at their next poll.
/// </summary>
internal sealed class SqlRunJobs(SqlDatabase db) : IRunJobs, IDisposable
{
    public const string Channel = "gyre_jobs";

    /// <summary>The longest a run passed over because its lease was held waits before it is tried again.</summary>
    private const int RetryMs = 1_000;

    private readonly ChangeListener _listener = new(db, Channel);

    /// <summary>Removes the oldest ready row and hands back its run; null when none is ready.</summary>
    private readonly string _takeOldest = TakeOldest(db.Dialect);

    /// <summary>The removal and the run's lease, chained in one statement (PostgreSQL).</summary>
    private readonly string _claim = Claim(db.Dialect);

    public bool Listening => _listener.Listening;

    public Task EnqueueAsync(long runId, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        await c.ExecuteAsync($"INSERT INTO pipeline_jobs (run_id, ready_at) VALUES (@r, {db.Dialect.NowMilliseconds}) ON CONFLICT (run_id) DO NOTHING", t, ct, ("@r", runId));
        await ChangeListener.AnnounceAsync(c, t, db.Dialect, Channel, ct);
    }, ct);

    public Task<(long RunId, Lease Lease)?> ClaimAsync(string holder, TimeSpan ttl, CancellationToken ct) => db.ClaimAsync<(long, Lease)?>(async (c, t) =>
    {
        // A few candidates at most: each one passed over is a run whose lease another still holds
        // (recovery requeues a run under its lease), and it is tried again shortly.
        for (var candidate = 0; candidate < 8; candidate++)
        {
            var claimed = db.Dialect.ChainsWrites
                ? await ClaimInOneStatementAsync(c, t, holder, ttl, ct)
                : await ClaimInTwoStatementsAsync(c, t, holder, ttl, ct);
            if (claimed is not { } run)
            {
                return null;
            }
            if (run.Lease is { } lease)
            {
                return (run.RunId, lease);
            }
            // Back until the lease's end, or a second from now if that is sooner: a holder that lets the
            // lease go early (recovery requeues a run under its lease, then releases it) is not waited for.
            var now = db.Dialect.NowMilliseconds;
            await c.ExecuteAsync($"""
                INSERT INTO pipeline_jobs (run_id, ready_at)
                SELECT @r, CASE WHEN l.expires_at < {now} + {RetryMs} THEN l.expires_at ELSE {now} + {RetryMs} END
                FROM (SELECT COALESCE((SELECT expires_at FROM leases WHERE name = @n), 0) AS expires_at) l
                """, t, ct, ("@r", run.RunId), ("@n", PipelineService.RunLease(run.RunId)));
        }
        return null;
    }, ct);

    private static string TakeOldest(SqlDialect dialect) => $"""
        DELETE FROM pipeline_jobs WHERE run_id = (
            SELECT run_id FROM pipeline_jobs WHERE ready_at <= {dialect.NowMilliseconds}
            ORDER BY run_id LIMIT 1 {dialect.SkipLocked})
        RETURNING run_id
        """;

    private static string Claim(SqlDialect dialect) => $"""
        WITH job AS ({TakeOldest(dialect)}),
        lease AS (
            {SqlLeaseStore.TakeSql(dialect, $"SELECT @prefix || run_id, @h, 1, {dialect.NowMilliseconds} + @ttl FROM job", newEpoch: true)}
            RETURNING epoch, expires_at)
        SELECT job.run_id, lease.epoch, lease.expires_at FROM job LEFT JOIN lease ON true
        """;

    /// <summary>
    /// The removal and the lease in one prepared statement: the claim's cost is its round trips and
    /// its parse and plan, so this form claims about twice as many runs a second as two unprepared
    /// statements (docs/benchmarks.md). Its lease is null when another holds it.
    /// </summary>
    private async Task<(long RunId, Lease? Lease)?> ClaimInOneStatementAsync(DbConnection c, DbTransaction t, string holder, TimeSpan ttl, CancellationToken ct)
    {
        var rows = await c.PreparedQueryAsync(_claim, t, r => (RunId: r.GetInt64(0), Epoch: r.NullableInt64(1), ExpiresAt: r.NullableInt64(2)), ct,
            ("@prefix", PipelineService.RunLeasePrefix), ("@h", holder), ("@ttl", SqlLeaseStore.Milliseconds(ttl)));
        if (rows.Count == 0)
        {
            return null;
        }
        var (runId, epoch, expiresAt) = rows[0];
        return (runId, epoch is { } e ? new Lease(PipelineService.RunLease(runId), holder, e, expiresAt!.Value) : null);
    }

    private async Task<(long RunId, Lease? Lease)?> ClaimInTwoStatementsAsync(DbConnection c, DbTransaction t, string holder, TimeSpan ttl, CancellationToken ct)
    {
        var claimed = await c.PreparedQueryAsync(_takeOldest, t, r => r.GetInt64(0), ct);
        return claimed.Count == 0
            ? null
            : (claimed[0], await SqlLeaseStore.AcquireAsync(c, t, db.Dialect, PipelineService.RunLease(claimed[0]), holder, ttl, ct, newEpoch: true));
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _listener.WaitAsync(timeout, ct);

    public Task<long> CountAsync(CancellationToken ct) => db.ReadAsync(async c =>
        Convert.ToInt64(await c.ScalarAsync("SELECT COUNT(*) FROM pipeline_jobs", null, ct), System.Globalization.CultureInfo.InvariantCulture), ct);

    public Task<bool> WaitingAsync(long runId, CancellationToken ct) => db.ReadAsync(async c =>
        Convert.ToInt64(await c.ScalarAsync("SELECT COUNT(*) FROM pipeline_jobs WHERE run_id = @r", null, ct, ("@r", runId)), System.Globalization.CultureInfo.InvariantCulture) > 0, ct);

    public void Dispose() => _listener.Dispose();
}
