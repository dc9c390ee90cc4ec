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
        // Each runs whether or not the other failed; the worker hears of both failures.
        Exception? failed = null;
        try
        {
            await sampler.TickAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            failed = e;
        }
        try
        {
            await desk.RepairAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            failed = failed is null ? e : new AggregateException(failed, e);
        }
        if (failed is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
        }
    }
}
