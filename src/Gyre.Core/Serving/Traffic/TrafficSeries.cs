namespace Gyre.Core.Serving.Traffic;

/// <summary>One interval of a variant's traffic: requests, failures and the latencies' p50 and p99.</summary>
public sealed record TrafficPoint(long Start, long Requests, long Errors, double P50LatencyMs, double P99LatencyMs);

/// <summary>One interval of a variant's traffic as it is kept across restarts: its counts and its latencies' bins.</summary>
public sealed record TrafficInterval(long Start, long Requests, long Errors, IReadOnlyList<long> LatencyBins)
{
    /// <summary>Two replicas' counts of the same interval, added up (bins beyond the shorter list's count as zeros).</summary>
    public TrafficInterval Plus(TrafficInterval other) => new(Start, Requests + other.Requests, Errors + other.Errors,
        [.. Enumerable.Range(0, Math.Max(LatencyBins.Count, other.LatencyBins.Count))
            .Select(b => (b < LatencyBins.Count ? LatencyBins[b] : 0) + (b < other.LatencyBins.Count ? other.LatencyBins[b] : 0))]);

    public TrafficPoint Point() => new(Start, Requests, Errors, Traffic.LatencyBins.Percentile(LatencyBins, 0.50), Traffic.LatencyBins.Percentile(LatencyBins, 0.99));
}

/// <summary>
/// A variant's recent traffic in fixed intervals (<see cref="IntervalMs"/>, the last
/// <see cref="Intervals"/> of them), for the dashboard's charts; Prometheus keeps the long history.
/// Recording is on the request path: two interlocked increments, and a lock only when an interval
/// slot is reused. Latencies are counted in <see cref="LatencyBins"/>, so intervals add up.
/// </summary>
public sealed class TrafficSeries
{
    public const long IntervalMs = 10_000;
    public const int Intervals = 180;

    private readonly Slot[] _slots = Enumerable.Range(0, Intervals).Select(_ => new Slot()).ToArray();

    public void Record(long nowMs, double latencyMs, bool failed)
    {
        var start = IntervalStart(nowMs);
        var slot = _slots[SlotOf(start)];
        if (Volatile.Read(ref slot.Start) != start)
        {
            lock (slot)
            {
                if (slot.Start != start)
                {
                    slot.Reset(start);
                }
            }
        }
        Interlocked.Increment(ref slot.Requests);
        if (failed)
        {
            Interlocked.Increment(ref slot.Errors);
        }
        else
        {
            Interlocked.Increment(ref slot.Latencies[LatencyBins.Of(latencyMs)]);
        }
    }

    /// <summary>The intervals from <paramref name="sinceMs"/> up to now, oldest first; quiet intervals are zeros.</summary>
    public IReadOnlyList<TrafficPoint> Read(long nowMs, long sinceMs) =>
        [.. Held(nowMs, sinceMs).Select(h => h.Slot is { } slot ? slot.Interval().Point() : new TrafficPoint(h.Start, 0, 0, 0, 0))];

    /// <summary>The intervals from <paramref name="sinceMs"/>'s up to now that saw requests, oldest first, with their bins.</summary>
    public IReadOnlyList<TrafficInterval> Snapshot(long nowMs, long sinceMs) =>
        [.. Held(nowMs, sinceMs).Select(h => h.Slot?.Interval()).OfType<TrafficInterval>().Where(i => i.Requests > 0)];

    /// <summary>The interval starts from <paramref name="sinceMs"/>'s up to now's, at most the last <see cref="Intervals"/>, oldest first.</summary>
    public static IReadOnlyList<long> Starts(long nowMs, long sinceMs)
    {
        var last = IntervalStart(nowMs);
        var first = Math.Max(IntervalStart(sinceMs), last - ((Intervals - 1) * IntervalMs));
        return [.. Enumerable.Range(0, (int)((last - first) / IntervalMs) + 1).Select(i => first + (i * IntervalMs))];
    }

    /// <summary>Each interval start from <paramref name="sinceMs"/>'s up to now (at most the last <see cref="Intervals"/>), with its slot if the slot holds that interval.</summary>
    private IEnumerable<(long Start, Slot? Slot)> Held(long nowMs, long sinceMs)
    {
        foreach (var start in Starts(nowMs, sinceMs))
        {
            var slot = _slots[SlotOf(start)];
            yield return (start, Volatile.Read(ref slot.Start) == start ? slot : null);
        }
    }

    // Floored, not truncated: a clock before 1970 (a test's) still lands in a slot.
    private static long IntervalStart(long ms) => ms - (((ms % IntervalMs) + IntervalMs) % IntervalMs);

    private static int SlotOf(long start) => (int)((((start / IntervalMs) % Intervals) + Intervals) % Intervals);

    private sealed class Slot
    {
        public long Start = -1;
        public long Requests;
        public long Errors;
        public readonly long[] Latencies = new long[LatencyBins.Count];

        public void Reset(long start)
        {
            Interlocked.Exchange(ref Requests, 0);
            Interlocked.Exchange(ref Errors, 0);
            Array.Clear(Latencies);
            Volatile.Write(ref Start, start);
        }

        /// <summary>The slot's interval, read under the lock that a reuse of the slot takes, so that its start and counts belong together.</summary>
        public TrafficInterval Interval()
        {
            lock (this)
            {
                return new TrafficInterval(Start, Interlocked.Read(ref Requests), Interlocked.Read(ref Errors), [.. Latencies.Select(c => Interlocked.Read(ref c))]);
            }
        }
    }
}
