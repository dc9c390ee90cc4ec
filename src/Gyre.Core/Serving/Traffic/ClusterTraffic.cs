using System.Collections.Concurrent;
using Gyre.Core.Coordination;

namespace Gyre.Core.Serving.Traffic;

/// <summary>
/// A span's traffic (a canary step, a shadow's run) on every replica: this replica's own, counted live
/// by <see cref="TrafficMeter"/>, plus every other replica's growth since the span began, from the
/// running totals each publishes (<see cref="TrafficPublisher"/>). Counts and latency bins add up, so
/// the sum is what one server serving all of it would have counted. A replica that appeared after the
/// span began counts from zero; one that is gone keeps what it published. The others' part lags by at
/// most their publication period at each end of the span.
/// </summary>
public sealed class ClusterTraffic(TrafficMeter local, ITrafficTotalsStore totals, ReplicaOptions replica)
{
    private readonly ConcurrentDictionary<(string Endpoint, string Variant), Dictionary<string, TrafficCounts>> _baselines = new();

    /// <summary>Starts the variants' span now, here and (from their last published totals) on every other replica.</summary>
    public async Task MarkAsync(string endpoint, IEnumerable<string> variants, CancellationToken ct)
    {
        var published = await OthersAsync(endpoint, ct);
        foreach (var variant in variants)
        {
            local.Mark(endpoint, variant);
            _baselines[(endpoint, variant)] = published.Where(t => t.Variant == variant).ToDictionary(t => t.Replica, t => t.Counts, StringComparer.Ordinal);
        }
    }

    /// <summary>Each variant's traffic on every replica since its span began, in the order asked, from one read of the others' totals.</summary>
    public async Task<IReadOnlyList<TrafficCounts>> SinceMarkAsync(string endpoint, IReadOnlyList<string> variants, CancellationToken ct)
    {
        var others = await OthersAsync(endpoint, ct);
        return [.. variants.Select(variant =>
        {
            var counts = local.SinceMark(endpoint, variant);
            var baseline = _baselines.GetValueOrDefault((endpoint, variant));
            foreach (var other in others.Where(t => t.Variant == variant))
            {
                counts = counts.Plus(other.Counts.Minus(baseline?.GetValueOrDefault(other.Replica) ?? TrafficCounts.Zero));
            }
            return counts;
        })];
    }

    private async Task<IReadOnlyList<VariantTotals>> OthersAsync(string endpoint, CancellationToken ct) =>
        [.. (await totals.ReadAsync(endpoint, ct)).Where(t => t.Replica != replica.Holder)];
}
