namespace Gyre.Core.Serving.Traffic;

/// <summary>
/// An endpoint's recent traffic as every replica served it, for the dashboard's charts and the
/// error-rate policies: this replica's own intervals, live from its meter, added to the intervals
/// the other replicas saved (<see cref="TrafficHistory"/>, every 10 s). What an earlier life of this
/// replica saved counts as another's, so the charts run on across a restart. The others' part lags
/// by at most their save period.
/// </summary>
public sealed class TrafficView(TrafficMeter local, ITrafficStore store, Coordination.ReplicaOptions replica)
{
    /// <summary>Each variant's intervals from <paramref name="sinceMs"/>'s up to now, oldest first; quiet intervals are zeros.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<TrafficPoint>>> SeriesAsync(string endpoint, IEnumerable<string> variants, long nowMs, long sinceMs, CancellationToken ct)
    {
        var starts = TrafficSeries.Starts(nowMs, sinceMs);
        var merged = await MergedAsync(endpoint, nowMs, sinceMs, starts[0], ct);
        return variants.Distinct(StringComparer.Ordinal).ToDictionary(v => v, IReadOnlyList<TrafficPoint> (v) =>
            [.. starts.Select(s => merged.TryGetValue((v, s), out var interval) ? interval.Point() : new TrafficPoint(s, 0, 0, 0, 0))], StringComparer.Ordinal);
    }

    /// <summary>The requests and failures of all of the endpoint's variants in the intervals from <paramref name="sinceMs"/>'s to now.</summary>
    public async Task<(long Requests, long Errors)> RecentAsync(string endpoint, long nowMs, long sinceMs, CancellationToken ct)
    {
        var merged = await MergedAsync(endpoint, nowMs, sinceMs, TrafficSeries.Starts(nowMs, sinceMs)[0], ct);
        return (merged.Values.Sum(i => i.Requests), merged.Values.Sum(i => i.Errors));
    }

    /// <summary>Every replica's intervals of the endpoint from <paramref name="first"/> (the first of <see cref="TrafficSeries.Starts"/>) to now, added up by variant and start.</summary>
    private async Task<Dictionary<(string Variant, long Start), TrafficInterval>> MergedAsync(string endpoint, long nowMs, long sinceMs, long first, CancellationToken ct)
    {
        var own = local.All.Where(v => v.Key.Endpoint == endpoint)
            .SelectMany(v => v.Meter.Series.Snapshot(nowMs, sinceMs).Select(i => (v.Key.Variant, Interval: i)));
        var others = (await store.LoadAsync(endpoint, first, replica.Holder, ct))
            .Where(t => t.Interval.Start <= nowMs)
            .Select(t => (t.Variant, t.Interval));
        var merged = new Dictionary<(string, long), TrafficInterval>();
        foreach (var (variant, interval) in own.Concat(others))
        {
            merged[(variant, interval.Start)] = merged.TryGetValue((variant, interval.Start), out var sum) ? sum.Plus(interval) : interval;
        }
        return merged;
    }
}
