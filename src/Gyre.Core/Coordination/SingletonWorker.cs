using Gyre.Core.Background;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Coordination;

/// <summary>
/// A periodic worker that acts on one replica at a time: on a replica with the worker role, each
/// tick runs only while this replica holds the worker's lease (named after the worker), with every
/// write it makes fenced by that lease. On a replica without the worker role it never runs.
/// </summary>
public abstract class SingletonWorker : PeriodicWorker
{
    private readonly Singleton _singleton;
    private readonly ReplicaOptions _replica;

    protected SingletonWorker(string worker, TimeSpan period, ILeaseStore leases, ReplicaOptions replica, Diagnostics.ReplicaCounters counters, TimeProvider time,
        BackgroundErrors errors, ILogger logger)
        : base(worker, period, time, errors, logger)
    {
        _singleton = new Singleton(worker, leases, replica, counters);
        _replica = replica;
    }

    /// <summary>One tick, run while this replica holds the lease; <paramref name="tookOver"/> when it was just taken.</summary>
    protected abstract Task TickHeldAsync(bool tookOver, CancellationToken ct);

    /// <summary>Runs one tick now if this replica holds or can take the lease (at start, before requests are served); false otherwise.</summary>
    public Task<bool> TickOnceAsync(CancellationToken ct) =>
        _replica.Has(ReplicaRoles.Worker) ? _singleton.RunAsync(TickHeldAsync, ct) : Task.FromResult(false);

    protected sealed override Task TickAsync(CancellationToken ct) => _singleton.RunAsync(TickHeldAsync, ct);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _replica.Has(ReplicaRoles.Worker) ? base.ExecuteAsync(stoppingToken) : Task.CompletedTask;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await _singleton.ReleaseAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            TickFailed(e); // the lease then runs out by itself
        }
    }
}
