namespace Gyre.Core.Serving.Traffic;

/// <summary>
/// One variant's traffic, counted once, on the request path: running totals that only grow (read
/// as <see cref="TrafficCounts"/>) and the recent intervals of <see cref="Series"/>. Recording is
/// lock-free: interlocked increments, and a lock only when an interval slot is reused.
/// </summary>
public sealed class VariantMeter
{
    private readonly long[] _latencies = new long[LatencyBins.Count];
    private long _requests;
    private long _errors;
    private long _compared;
    private long _agreed;

    /// <summary>The recent traffic in intervals, for the dashboard, error-rate policies and the traffic kept across restarts.</summary>
    public TrafficSeries Series { get; } = new();

    public void Answered(double latencyMs, long nowMs)
    {
        Series.Record(nowMs, latencyMs, failed: false);
        Interlocked.Increment(ref _latencies[LatencyBins.Of(latencyMs)]);
        Interlocked.Increment(ref _requests);
    }

    public void Failed(long nowMs)
    {
        Series.Record(nowMs, 0, failed: true);
        Interlocked.Increment(ref _errors);
        Interlocked.Increment(ref _requests);
    }

    /// <summary>Counts a row a shadow answered and compared with the primary's answer.</summary>
    public void Shadowed(bool agreed)
    {
        if (agreed)
        {
            Interlocked.Increment(ref _agreed);
        }
        Interlocked.Increment(ref _compared);
    }

    /// <summary>The totals since the server started. Each counter is read after those it is bounded by (requests last), so no share read here exceeds 1.</summary>
    public TrafficCounts Totals()
    {
        var agreed = Interlocked.Read(ref _agreed);
        var compared = Interlocked.Read(ref _compared);
        var errors = Interlocked.Read(ref _errors);
        var latencies = new long[LatencyBins.Count];
        for (var b = 0; b < latencies.Length; b++)
        {
            latencies[b] = Interlocked.Read(ref _latencies[b]);
        }
        return new TrafficCounts(Interlocked.Read(ref _requests), errors, compared, agreed, latencies);
    }
}
