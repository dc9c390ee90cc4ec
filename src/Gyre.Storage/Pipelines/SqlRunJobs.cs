using Gyre.Core.Coordination;
using Gyre.Core.Errors;
using Gyre.Core.Pipelines.Runs;
using Gyre.Storage.Coordination;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Pipelines;

/// <summary>
/// The runs waiting for a worker, a row each in <c>pipeline_jobs</c>. A claim deletes the oldest row
/// whose run's lease is free, locking it so that concurrent claimers skip it (<c>FOR UPDATE SKIP
/// LOCKED</c>, at READ COMMITTED on PostgreSQL), and takes the run's lease in the same transaction:
/// a run is claimed once, and from the claim on it is its worker's. Queuing announces on
/// <see cref="Channel"/>, so idle workers wake at once instead of at their next poll.
/// </summary>
internal sealed class SqlRunJobs(SqlDatabase db) : IRunJobs, IDisposable
{
    public const string Channel = "gyre_jobs";

    private readonly ChangeListener _listener = new(db, Channel);

    public bool Listening => _listener.Listening;

    public Task EnqueueAsync(long runId, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        await c.ExecuteAsync($"INSERT INTO pipeline_jobs (run_id, ready_at) VALUES (@r, {db.Dialect.NowMilliseconds}) ON CONFLICT (run_id) DO NOTHING", t, ct, ("@r", runId));
        await ChangeListener.AnnounceAsync(c, t, db.Dialect, Channel, ct);
    }, ct);

    public Task<(long RunId, Lease Lease)?> ClaimAsync(string holder, TimeSpan ttl, CancellationToken ct) => db.ClaimAsync<(long, Lease)?>(async (c, t) =>
    {
        var now = db.Dialect.NowMilliseconds;
        var claimed = await c.QueryAsync($"""
            DELETE FROM pipeline_jobs WHERE run_id = (
                SELECT j.run_id FROM pipeline_jobs j
                WHERE NOT EXISTS (SELECT 1 FROM leases l WHERE l.name = 'pipeline-run:' || j.run_id AND l.expires_at > {now} AND l.holder <> @h)
                ORDER BY j.run_id LIMIT 1 {db.Dialect.SkipLocked})
            RETURNING run_id
            """, t, r => r.GetInt64(0), ct, ("@h", holder));
        if (claimed.Count == 0)
        {
            return null;
        }
        // The lease was taken between the selection and here: throwing rolls the removal back, so the run stays queued.
        var lease = await SqlLeaseStore.AcquireAsync(c, t, db.Dialect, PipelineService.RunLease(claimed[0]), holder, ttl, ct)
            ?? throw GyreException.Conflict($"run {claimed[0]}'s lease was taken while it was being claimed; it stays queued");
        return (claimed[0], lease);
    }, ct);

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _listener.WaitAsync(timeout, ct);

    public Task<long> CountAsync(CancellationToken ct) => db.ReadAsync(async c =>
        Convert.ToInt64(await c.ScalarAsync("SELECT COUNT(*) FROM pipeline_jobs", null, ct), System.Globalization.CultureInfo.InvariantCulture), ct);

    public Task<bool> WaitingAsync(long runId, CancellationToken ct) => db.ReadAsync(async c =>
        Convert.ToInt64(await c.ScalarAsync("SELECT COUNT(*) FROM pipeline_jobs WHERE run_id = @r", null, ct, ("@r", runId)), System.Globalization.CultureInfo.InvariantCulture) > 0, ct);

    public void Dispose() => _listener.Dispose();
}
