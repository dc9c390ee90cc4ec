namespace Gyre.Core.Serving.Traffic;

/// <summary>
/// Saves this replica's traffic series (<see cref="TrafficSeries"/>, held in memory) under its name,
/// so that <see cref="TrafficView"/> on any replica, and this one after a restart, adds them to its
/// own: <see cref="SaveAsync"/>, called every few seconds and on stopping, writes the intervals that
/// changed since the last save. A crash loses at most the traffic since then.
/// </summary>
public sealed class TrafficHistory(TrafficMeter traffic, ITrafficStore store, Coordination.ReplicaOptions replica, TimeProvider time)
{
    /// <summary>How far back the series go: all of their intervals.</summary>
    public const long KeptMs = TrafficSeries.Intervals * TrafficSeries.IntervalMs;

    private long _savedAt = long.MinValue;

    /// <summary>
    /// Writes every interval that may have changed since the last save: from the one before the
    /// one that was filling then, since a request timed just before an interval's end may count
    /// just after the save (each save writes whole intervals, so saving one again is harmless).
    /// </summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var since = _savedAt == long.MinValue ? now - KeptMs : Math.Min(_savedAt, now) - TrafficSeries.IntervalMs;
        var changed = traffic.All
            .SelectMany(v => v.Meter.Series.Snapshot(now, since).Select(i => new VariantTraffic(v.Key.Endpoint, v.Key.Variant, i)))
            .ToList();
        await store.SaveAsync(replica.Holder, changed, now - KeptMs, ct);
        _savedAt = now;
    }
}
