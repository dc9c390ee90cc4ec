using Gyre.Core.Background;
using Gyre.Core.Coordination;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Labelling.Sampling;

/// <summary>
/// Every two seconds, the queues' sampler, then the repair of labels whose feedback fell behind;
/// on the one replica that holds its lease, so that a window is sampled once.
/// </summary>
internal sealed class LabelSamplerWorker(QueueSampler sampler, LabelDesk desk, ILeaseStore leases, ReplicaOptions replica, Diagnostics.ReplicaCounters counters, TimeProvider time,
    BackgroundErrors errors, ILogger<LabelSamplerWorker> logger)
    : SingletonWorker(Workers.Labelling, Period, leases, replica, counters, time, errors, logger)
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    protected override async Task TickHeldAsync(bool tookOver, CancellationToken ct)
    {
        try
        {
            await sampler.TickAsync(ct);
        }
        finally
        {
            // A sampler that fails (a queue's endpoint gone) does not stop the repair.
            await desk.RepairAsync(ct);
        }
    }
}
