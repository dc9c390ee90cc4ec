using Gyre.Core.Monitoring.Drift;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Log;

namespace Gyre.Core.Labelling.Sampling;

/// <summary>
/// Fills labelling queues from the prediction log, off the request path: for each queue, every
/// window of prediction time that has closed (and settled: <see cref="Settle"/> after its end, for
/// records still on their way to the log) is read once, offered to the queue's strategy, and its
/// picks are added with the queue's new position (<see cref="QueueRun"/>). An endpoint's log is read
/// once a tick for all its queues, block by block as stored. Windows are counted from the queue's
/// <c>Since</c>; a window's draws are seeded by the queue's seed and the window's number, so the
/// same log gives the same items.
/// </summary>
public sealed class QueueSampler(ILabelStore store, IPredictionLog log, IEndpointStore endpoints, IMonitorStore monitors, EndpointMonitor monitor, TimeProvider time)
{
    /// <summary>
    /// How long after a window's end its predictions are read: a prediction logged later than that
    /// (a fast-mode log's queue, a retried write, a replica's clock running behind) is not sampled.
    /// </summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    /// <summary>The most prediction time one tick reads for a queue (a queue made with an old <c>Since</c> catches up over ticks).</summary>
    public static readonly TimeSpan MaxStretch = TimeSpan.FromDays(1);

    /// <summary>
    /// Samples every queue, reading each endpoint's log once for all its queues; returns how many
    /// items were added. An endpoint whose queues fail does not hold up the others; the first failure
    /// is thrown at the end.
    /// </summary>
    public async Task<int> TickAsync(CancellationToken ct)
    {
        var added = 0;
        Exception? failed = null;
        foreach (var queues in (await store.ListQueuesAsync(ct)).GroupBy(q => q.Queue.Endpoint, StringComparer.Ordinal))
        {
            try
            {
                added += await SampleAsync(queues.Key, [.. queues], ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                failed ??= e;
            }
        }
        if (failed is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
        }
        return added;
    }

    private async Task<int> SampleAsync(string endpointName, List<(LabelQueueDefinition Queue, long SampledUntil)> queues, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        Endpoint endpoint;
        try
        {
            endpoint = await endpoints.GetEndpointAsync(endpointName, ct);
        }
        catch (Errors.GyreException e) when (e.Code == Errors.ErrorCode.NotFound)
        {
            return 0; // the endpoint was deleted: its queues keep what they have
        }
        var primary = LabelQueues.Primary(endpoint).Name;
        var runs = new List<QueueRun>();
        foreach (var (queue, sampledUntil) in queues)
        {
            var w = queue.WindowMs;
            var first = (sampledUntil - queue.Since) / w;
            var closed = (now - (long)Settle.TotalMilliseconds - queue.Since) / w;
            var last = Math.Min(closed, first + Math.Max(1, (long)MaxStretch.TotalMilliseconds / w));
            if (last <= first)
            {
                continue;
            }
            var target = queue.Strategy == LabelStrategies.Drift ? await DriftTargetAsync(queue, ct) : null;
            if (queue.Strategy == LabelStrategies.Drift && target is null)
            {
                continue; // no drift window to pick by yet: the traffic waits, unread, until the monitor has one
            }
            runs.Add(new QueueRun(queue, sampledUntil, queue.Since + (last * w), primary, target, store, now));
        }
        if (runs.Count == 0)
        {
            return 0;
        }
        await foreach (var batch in log.ReadAsync(endpointName, runs.Min(r => r.From), runs.Max(r => r.Until), ct))
        {
            foreach (var run in runs)
            {
                await run.CloseBeforeAsync(batch.Floor, ct);
            }
            foreach (var prediction in batch.Records)
            {
                foreach (var run in runs)
                {
                    run.Offer(prediction);
                }
            }
        }
        foreach (var run in runs)
        {
            await run.FinishAsync(ct);
        }
        return runs.Sum(r => r.Added);
    }

    /// <summary>The feature that drifted most in the monitor's latest window (p-values lowest, else statistics furthest past their thresholds), or null.</summary>
    private async Task<DriftTarget?> DriftTargetAsync(LabelQueueDefinition queue, CancellationToken ct)
    {
        var state = await monitors.GetMonitorAsync(queue.Endpoint, ct);
        var latest = state is null ? null : await monitors.ListWindowsAsync(queue.Endpoint, 1, ct) is { Count: > 0 } windows ? windows[0] : null;
        var worst = latest?.Data.Columns
            .OrderByDescending(c => c.Drifted)
            .ThenByDescending(c => c.PValue is { } p ? 1 - p : c.Threshold > 0 ? c.Statistic / c.Threshold : c.Statistic)
            .ThenByDescending(c => c.Statistic)
            .FirstOrDefault();
        if (worst is null)
        {
            return null;
        }
        var (reference, _, _) = await monitor.ReferenceOfAsync(state!, ct);
        return reference.Columns.FirstOrDefault(c => c.Name == worst.Column) is { } column
            ? new DriftTarget(worst.Column, latest!.Id, ColumnDistribution.From(column))
            : null;
    }
}
