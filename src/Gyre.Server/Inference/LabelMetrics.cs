using Gyre.Core.Labelling;
using Prometheus;

namespace Gyre.Server.Inference;

/// <summary>
/// Labelling queues on <c>/metrics</c>, read from the shared database at scrape time: each queue's
/// items per state (open ones are work waiting for people; review ones wait for a reviewer), and
/// how far behind now its sampler's position is (a sampler that stopped shows as a growing lag).
/// </summary>
internal sealed class LabelMetrics
{
    public LabelMetrics(GatewayMetrics gateway, ILabelStore store, TimeProvider time)
    {
        var factory = Metrics.WithCustomRegistry(gateway.Registry);
        var items = factory.CreateGauge("gyre_label_items", "Items in a labelling queue, by state: open (waiting for labels), review (labels differ), done.", "queue", "state");
        var lag = factory.CreateGauge("gyre_label_sampler_lag_seconds",
            "Seconds between now and the prediction time up to which the queue's sampler has read (a window and its settling time when healthy).", "queue");
        var window = factory.CreateGauge("gyre_label_window_seconds", "The length of a labelling queue's windows: a healthy sampler's lag stays within about one of them.", "queue");
        var unfed = factory.CreateGauge("gyre_label_feedback_behind",
            "Items of a labelling queue whose feedback has not yet followed their last change (0 when healthy; the labelling worker feeds them).", "queue");
        var known = new HashSet<string>(StringComparer.Ordinal);
        gateway.Registry.AddBeforeCollectCallback(async ct =>
        {
            // A second at most: a database that does not answer must not fail the whole scrape.
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(TimeSpan.FromSeconds(1));
            var counts = new List<(string Queue, long SampledUntil, long Window, LabelQueueCounts Items)>();
            try
            {
                var all = await store.AllCountsAsync(bounded.Token);
                foreach (var (queue, until) in await store.ListQueuesAsync(bounded.Token))
                {
                    counts.Add((queue.Name, until, queue.WindowSeconds, all.GetValueOrDefault(queue.Name) ?? new LabelQueueCounts(new Dictionary<string, long>(), 0)));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                return;
            }
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            lock (known)
            {
                foreach (var gone in known.Except(counts.Select(c => c.Queue)).ToList())
                {
                    foreach (var state in LabelItemStates.All)
                    {
                        items.RemoveLabelled(gone, state);
                    }
                    lag.RemoveLabelled(gone);
                    window.RemoveLabelled(gone);
                    unfed.RemoveLabelled(gone);
                    known.Remove(gone);
                }
                foreach (var (queue, until, seconds, byQueue) in counts)
                {
                    known.Add(queue);
                    foreach (var state in LabelItemStates.All)
                    {
                        items.WithLabels(queue, state).Set(byQueue.ByState.GetValueOrDefault(state));
                    }
                    lag.WithLabels(queue).Set(Math.Max(0, now - until) / 1000.0);
                    window.WithLabels(queue).Set(seconds);
                    unfed.WithLabels(queue).Set(byQueue.FeedbackBehind);
                }
            }
        });
    }
}
