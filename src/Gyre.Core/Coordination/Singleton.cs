namespace Gyre.Core.Coordination;

/// <summary>
/// One singleton's lease, as this replica sees it. <see cref="RunAsync"/> takes or extends the lease
/// and runs the work fenced by it (<see cref="LeaseFence"/>), with a heartbeat that keeps the lease
/// while work runs longer than a third of its time; when another replica holds the lease, nothing
/// runs. A replica that stops lets the lease go, so the next takes over at its next tick rather than
/// after the lease runs out; so does a process of this host whose holder is provably gone (killed and
/// restarted), whose lease is taken over at once.
/// </summary>
public sealed class Singleton
{
    private readonly string _name;
    private readonly ILeaseStore _leases;
    private readonly ReplicaOptions _replica;
    private readonly Diagnostics.ReplicaCounters? _counters;
    private Lease? _held;
    private long _attemptedAt; // 0: never, or the next run asks the database again
    private long _ranEpoch = -1;

    /// <param name="name">The lease's name.</param>
    /// <param name="leases">Where leases are kept.</param>
    /// <param name="replica">This replica: its holder name and the lease time.</param>
    /// <param name="counters">Where the lease's takes and holding are counted for <c>/metrics</c> (the named singletons; a pipeline run's lease is not counted).</param>
    public Singleton(string name, ILeaseStore leases, ReplicaOptions replica, Diagnostics.ReplicaCounters? counters = null)
    {
        (_name, _leases, _replica, _counters) = (name, leases, replica, counters);
        replica.MarkRunning();
    }

    /// <summary>
    /// Runs <paramref name="work"/> when this replica holds the lease or can take it; false when
    /// another holds it. The work is told whether the lease was just taken over (a new epoch), so it
    /// can drop what it kept in memory under the previous holder.
    /// </summary>
    public async Task<bool> RunAsync(Func<bool, CancellationToken, Task> work, CancellationToken ct)
    {
        if (await HoldAsync(ct) is not { } lease)
        {
            return false;
        }
        var tookOver = Interlocked.Exchange(ref _ranEpoch, lease.Epoch) != lease.Epoch;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task heartbeat;
        using (LeaseFence.Suspend())
        {
            heartbeat = KeepAsync(lease, stop.Token);
        }
        try
        {
            using (LeaseFence.Enter(lease))
            {
                await work(tookOver, ct);
            }
        }
        catch
        {
            // Perhaps refused by the fence: the next run asks the database again rather than trust what it knew.
            Interlocked.Exchange(ref _attemptedAt, 0);
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            await heartbeat;
        }
        return true;
    }

    /// <summary>
    /// The lease, taken or extended when a third of its time has passed since the last attempt (by this
    /// process's monotonic clock, which runs on while the process is paused). In between, a lease
    /// known to be held is used as it is, and a replica that does not hold it waits for its next
    /// attempt: an idle cluster does not pay a write a second per singleton and replica, and every
    /// write made under the lease is fenced in its own transaction anyway. A takeover therefore comes
    /// at most a third of the lease time after the lease ran out.
    /// </summary>
    private async Task<Lease?> HoldAsync(CancellationToken ct)
    {
        var now = Environment.TickCount64;
        var attempted = Interlocked.Read(ref _attemptedAt);
        if (attempted != 0 && now - attempted < (long)(_replica.LeaseTtl / 3).TotalMilliseconds)
        {
            return Volatile.Read(ref _held); // what the last attempt found
        }
        Interlocked.Exchange(ref _attemptedAt, now);
        var lease = await _leases.AcquireAsync(_name, _replica.Holder, _replica.LeaseTtl, ct);
        if (lease is null && await _leases.HolderAsync(_name, ct) is { } holder && _replica.IsGoneFromThisHost(holder))
        {
            // This replica's previous process (killed, restarted): no need to wait for its lease to run out.
            lease = await _leases.TakeOverAsync(_name, _replica.Holder, holder, _replica.LeaseTtl, ct);
        }
        if (lease is not null && Volatile.Read(ref _held)?.Epoch != lease.Epoch)
        {
            _counters?.LeaseTaken(_name);
        }
        Volatile.Write(ref _held, lease);
        _counters?.LeaseHeld(_name, lease is not null);
        return lease;
    }

    /// <summary>Lets the lease go, if this replica holds it (a stopping replica).</summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        Interlocked.Exchange(ref _attemptedAt, 0);
        _counters?.LeaseHeld(_name, false);
        if (Interlocked.Exchange(ref _held, null) is { } lease)
        {
            await _leases.ReleaseAsync(lease, ct);
        }
    }

    /// <summary>
    /// Extends the lease every third of its time while the work runs. A renewal that fails is left
    /// alone: the fence refuses the work's writes once the lease is gone, which is what matters.
    /// </summary>
    private async Task KeepAsync(Lease lease, CancellationToken ct)
    {
        // The real clock: a lease runs out by the database's clock, whatever the server's TimeProvider says.
        using var timer = new PeriodicTimer(_replica.LeaseTtl / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    if (!await _leases.RenewAsync(lease, _replica.LeaseTtl, ct))
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The database is away; the next beat tries again.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The work ended.
        }
    }
}
