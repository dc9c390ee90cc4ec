using Gyre.Core.Monitoring.Drift;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Log;

namespace Gyre.Core.Labelling.Sampling;

/// <summary>
/// Fills labelling queues from the prediction log, off the request path: for each queue, every
/// window of prediction time that has closed (and settled: <see cref="Settle"/> after its end, for
/// records still on their way to the log) is read once, offered to the queue's strategy, and its
/// picks are added with the queue's new position in one transaction. Windows are counted from the
/// queue's <c>Since</c>; a window's draws are seeded by the queue's seed and the window's number, so
/// the same log gives the same items.
/// </summary>
public sealed class QueueSampler(ILabelStore store, IPredictionLog log, IEndpointStore endpoints, IMonitorStore monitors, EndpointMonitor monitor, TimeProvider time)
{
    /// <summary>
    /// How long after a window's end its predictions are read: a prediction logged later than that
    /// (a fast-mode log's queue, a retried write, a replica's clock running behind) is not sampled.
    /// </summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    /// <summary>How many picks are written at once: a long stretch is written window by window, in groups of about this many.</summary>
    private const int WriteEvery = 5_000;

    /// <summary>The most prediction time one tick reads for a queue (a queue made with an old <c>Since</c> catches up over ticks).</summary>
    public static readonly TimeSpan MaxStretch = TimeSpan.FromDays(1);

    private const int PageSize = 5_000;

    /// <summary>Samples every queue; returns how many items were added. A queue that fails does not hold up the others; the first failure is thrown at the end.</summary>
    public async Task<int> TickAsync(CancellationToken ct)
    {
        var added = 0;
        Exception? failed = null;
        foreach (var (queue, until) in await store.ListQueuesAsync(ct))
        {
            try
            {
                added += await SampleAsync(queue, until, ct);
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

    private async Task<int> SampleAsync(LabelQueueDefinition queue, long sampledUntil, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var w = queue.WindowMs;
        var first = (sampledUntil - queue.Since) / w;
        var closed = (now - (long)Settle.TotalMilliseconds - queue.Since) / w;
        var last = Math.Min(closed, first + Math.Max(1, (long)MaxStretch.TotalMilliseconds / w));
        if (last <= first)
        {
            return 0;
        }
        Endpoint endpoint;
        try
        {
            endpoint = await endpoints.GetEndpointAsync(queue.Endpoint, ct);
        }
        catch (Errors.GyreException e) when (e.Code == Errors.ErrorCode.NotFound)
        {
            return 0; // the endpoint was deleted: the queue keeps what it has
        }
        var primary = LabelQueues.Primary(endpoint).Name;
        var target = queue.Strategy == LabelStrategies.Drift ? await DriftTargetAsync(queue, ct) : null;
        if (queue.Strategy == LabelStrategies.Drift && target is null)
        {
            return 0; // no drift window to pick by yet: the traffic waits, unread, until the monitor has one
        }
        var items = new List<LabelItem>();
        var (from, added) = (sampledUntil, 0);
        long current = -1;
        var lost = false;
        SampleStrategy? strategy = null;
        Random? random = null;
        async Task CloseAsync()
        {
            if (strategy is null)
            {
                return;
            }
            foreach (var pick in strategy.Pick(queue.Budget(current)))
            {
                var p = pick.Prediction;
                items.Add(new LabelItem(queue.Name, p.PredictionId, p.Time, p.Variant, $"{p.ModelName}/{p.ModelVersion}", p.Inputs, p.Outputs, pick.Reason, pick.Priority,
                    random!.NextDouble() < queue.Double ? 2 : 1, now));
            }
            strategy = null;
            if (items.Count >= WriteEvery)
            {
                var end = queue.Since + ((current + 1) * w);
                // False: another replica sampled the queue meanwhile (its lease was lost); it goes on from there.
                lost = !await store.AddSampleAsync(queue.Name, from, end, items, ct);
                (from, added) = (end, lost ? added : added + items.Count);
                items.Clear();
            }
        }
        string? page = null;
        do
        {
            var (rows, next) = await log.QueryAsync(queue.Endpoint, queue.Since + (first * w), queue.Since + (last * w), PageSize, page, ct);
            foreach (var row in rows)
            {
                var window = (row.Prediction.Time - queue.Since) / w;
                if (window != current)
                {
                    await CloseAsync();
                    if (lost)
                    {
                        return added;
                    }
                    current = window;
                    random = new Random(Seed(queue.Seed, window));
                    strategy = Strategy(queue, queue.Budget(window), random, primary, target);
                }
                strategy?.Offer(row.Prediction);
            }
            page = next;
        }
        while (page is not null);
        await CloseAsync();
        return await store.AddSampleAsync(queue.Name, from, queue.Since + (last * w), items, ct) ? added + items.Count : added;
    }

    private static SampleStrategy? Strategy(LabelQueueDefinition queue, int budget, Random random, string primary, DriftTarget? target) =>
        budget <= 0 ? null : queue.Strategy switch
        {
            LabelStrategies.Random => new RandomStrategy(budget, random),
            LabelStrategies.Uncertainty => new UncertaintyStrategy(budget),
            LabelStrategies.Disagreement => new DisagreementStrategy(primary, budget),
            LabelStrategies.Slice => new SliceStrategy(queue.Slice!, random),
            LabelStrategies.Drift => target is null ? null : new DriftStrategy(target, budget),
            _ => null,
        };

    /// <summary>A window's seed from the queue's and the window's number (not <see cref="HashCode"/>, which differs between processes).</summary>
    private static int Seed(int queueSeed, long window) => (int)(((queueSeed * 1_000_003L) + window) % int.MaxValue);

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
