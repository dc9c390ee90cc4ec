namespace Gyre.Core.Serving.Traffic;

/// <summary>
/// Keeps the variants' traffic series (<see cref="TrafficSeries"/>, held in memory for the
/// dashboard) across restarts: <see cref="RestoreAsync"/> puts back the last half hour before the
/// server takes requests, and <see cref="SaveAsync"/>, called every few seconds and on stopping,
/// writes the intervals that changed since the last save. A crash loses at most the traffic since
/// then; an interval cut by a restart goes on filling where it stopped.
/// </summary>
public sealed class TrafficHistory(TrafficMeter traffic, ITrafficStore store, TimeProvider time)
{
    /// <summary>How far back the series go: all of their intervals.</summary>
    public const long KeptMs = TrafficSeries.Intervals * TrafficSeries.IntervalMs;

    private long _savedAt = long.MinValue;

    public async Task RestoreAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // Intervals from a clock that was ahead of this one's are left out: they would never fill again.
        foreach (var kept in (await store.LoadAsync(now - KeptMs, ct)).Where(k => k.Interval.Start <= now))
        {
            traffic.Of(kept.Endpoint, kept.Variant).Series.Restore(kept.Interval);
        }
    }

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
        await store.SaveAsync(changed, now - KeptMs, ct);
        _savedAt = now;
    }
}
