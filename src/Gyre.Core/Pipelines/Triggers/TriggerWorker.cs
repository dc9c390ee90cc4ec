using Gyre.Core.Background;
using Gyre.Core.Coordination;
using Gyre.Core.Pipelines.Runs;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Pipelines.Triggers;

/// <summary>
/// Checks pipeline triggers every few seconds, on the one replica that holds the triggers' lease, so
/// that a trigger starts one run; and interrupts runs whose replica died (their lease ran out). On stopping, first interrupts the runs still going
/// (their records say so, and they can be resumed), while the server still answers.
/// </summary>
internal sealed class TriggerWorker(PipelineTriggerWatcher watcher, PipelineService pipelines, ILeaseStore leases, ReplicaOptions replica, Diagnostics.ReplicaCounters counters, TimeProvider time,
    BackgroundErrors errors, ILogger<TriggerWorker> logger)
    : SingletonWorker(Workers.Triggers, Period, leases, replica, counters, time, errors, logger)
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    protected override async Task TickHeldAsync(bool tookOver, CancellationToken ct)
    {
        await RunPartAsync(Workers.Triggers, watcher.TickAsync, ct);
        // Runs whose replica died: interrupted (resumable) once their lease has run out.
        await RunPartAsync(Workers.Pipelines, pipelines.RecoverAsync, ct);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await pipelines.DisposeAsync();
    }
}
