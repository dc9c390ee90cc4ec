using Gyre.Core.Background;
using Gyre.Core.Coordination;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Serving.Rollouts;

/// <summary>
/// Runs the rollout controller every second, on the one replica that holds the rollouts' lease. A
/// replica that takes the lease over bakes running canary steps again: their windows so far were
/// counted by the one before.
/// </summary>
public sealed class RolloutWorker(RolloutController controller, ILeaseStore leases, ReplicaOptions replica, Diagnostics.ReplicaCounters counters, TimeProvider time, BackgroundErrors errors, ILogger<RolloutWorker> logger)
    : SingletonWorker(Workers.Rollouts, Period, leases, replica, counters, time, errors, logger)
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override Task TickHeldAsync(bool tookOver, CancellationToken ct)
    {
        if (tookOver)
        {
            controller.Resume();
        }
        return controller.TickAsync(ct);
    }
}
