using Gyre.Core.Features;
using Prometheus;

namespace Gyre.Server.Inference;

/// <summary>
/// The feature store on <c>/metrics</c>, read from the shared database at scrape time (so every
/// replica reports the same): per group, how old its online store's newest values are (freshness:
/// now minus the newest event time materialised), the entities it holds, and the rows its offline
/// store holds. A group never materialised has no freshness series; an alert on its absence, or on
/// the age, catches a schedule that stopped.
/// </summary>
internal sealed class FeatureMetrics
{
    public FeatureMetrics(GatewayMetrics gateway, IFeatureGroupStore groups, TimeProvider time)
    {
        var factory = Metrics.WithCustomRegistry(gateway.Registry);
        var freshness = factory.CreateGauge("gyre_feature_freshness_seconds",
            "Seconds between now and the newest event time in the group's online store (its staleness), per feature group.", "group");
        var online = factory.CreateGauge("gyre_feature_online_entities", "Entities in the group's online store, as of its last materialisation.", "group");
        var offline = factory.CreateGauge("gyre_feature_offline_rows", "Rows ever ingested into the group's offline store.", "group");
        var known = new HashSet<string>(StringComparer.Ordinal);
        gateway.Registry.AddBeforeCollectCallback(async ct =>
        {
            // A second at most: a database that does not answer must not fail the whole scrape.
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(TimeSpan.FromSeconds(1));
            IReadOnlyList<FeatureGroup> all;
            try
            {
                all = await groups.ListAsync(bounded.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                return;
            }
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            lock (known)
            {
                foreach (var gone in known.Except(all.Select(g => g.Name)).ToList())
                {
                    freshness.RemoveLabelled(gone);
                    online.RemoveLabelled(gone);
                    offline.RemoveLabelled(gone);
                    known.Remove(gone);
                }
                foreach (var group in all)
                {
                    known.Add(group.Name);
                    offline.WithLabels(group.Name).Set(group.Rows);
                    if (group.Materialized is { } materialized)
                    {
                        online.WithLabels(group.Name).Set(materialized.Entities);
                        if (materialized.EventTime is { } newest)
                        {
                            freshness.WithLabels(group.Name).Set((now - newest) / 1000.0);
                        }
                    }
                }
            }
        });
    }
}
