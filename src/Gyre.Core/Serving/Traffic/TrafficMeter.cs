using System.Collections.Concurrent;

namespace Gyre.Core.Serving.Traffic;

/// <summary>
/// The one owner of every variant's traffic, by (endpoint, variant): the gateway and the shadows
/// record into it; the rollout analysis, the error-rate policies, <c>/metrics</c> and the dashboard
/// read from it. Nothing is ever reset: a span (a canary step, say) is the difference between the
/// totals at its end and at its <see cref="Mark"/>, so readers never see each other's resets, and
/// counts from several servers can be added.
/// </summary>
public sealed class TrafficMeter
{
    private readonly ConcurrentDictionary<(string, string), VariantMeter> _variants = new();
    private readonly ConcurrentDictionary<(string, string), TrafficCounts> _marks = new();
    private long _shadowDropped;

    public VariantMeter Of(string endpoint, string variant) => _variants.GetOrAdd((endpoint, variant), _ => new VariantMeter());

    /// <summary>The variant's meter if it has one, without making one (readers such as the dashboard).</summary>
    public VariantMeter? Find(string endpoint, string variant) => _variants.GetValueOrDefault((endpoint, variant));

    public IEnumerable<((string Endpoint, string Variant) Key, VariantMeter Meter)> All => _variants.Select(p => (p.Key, p.Value));

    /// <summary>Shadow copies dropped because the queue was full, since start.</summary>
    public long ShadowDropped => Interlocked.Read(ref _shadowDropped);

    public void ShadowDrop() => Interlocked.Increment(ref _shadowDropped);

    /// <summary>Starts the variant's current span (a rollout step) at its totals now.</summary>
    public void Mark(string endpoint, string variant) => _marks[(endpoint, variant)] = Of(endpoint, variant).Totals();

    /// <summary>The variant's traffic since its last <see cref="Mark"/> (since start, if never marked).</summary>
    public TrafficCounts SinceMark(string endpoint, string variant) =>
        Of(endpoint, variant).Totals().Minus(_marks.GetValueOrDefault((endpoint, variant), TrafficCounts.Zero));
}
