namespace Gyre.Core.Serving.Traffic;

/// <summary>
/// What a variant did over some span: requests, failures, answered latencies in
/// <see cref="LatencyBins"/>, and, for a shadow, rows compared with the primary and how many
/// agreed. Counts add up (<see cref="Plus"/>: two servers, two intervals) and subtract
/// (<see cref="Minus"/>: the span between two readings of the running totals).
/// </summary>
public sealed record TrafficCounts(long Requests, long Errors, long Compared, long Agreed, IReadOnlyList<long> Latencies)
{
    public static TrafficCounts Zero { get; } = new(0, 0, 0, 0, new long[LatencyBins.Count]);

    public double ErrorRate => Requests == 0 ? 0 : Errors / (double)Requests;

    public double P50LatencyMs => LatencyBins.Percentile(Latencies, 0.50);

    public double P99LatencyMs => LatencyBins.Percentile(Latencies, 0.99);

    public TrafficCounts Plus(TrafficCounts other) => Combine(other, 1);

    public TrafficCounts Minus(TrafficCounts earlier) => Combine(earlier, -1);

    private TrafficCounts Combine(TrafficCounts other, int sign) =>
        new(Requests + (sign * other.Requests), Errors + (sign * other.Errors), Compared + (sign * other.Compared), Agreed + (sign * other.Agreed),
            [.. Enumerable.Range(0, LatencyBins.Count).Select(b => Latencies[b] + (sign * other.Latencies[b]))]);
}
