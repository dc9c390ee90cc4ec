namespace Gyre.Core.Serving.Traffic;

/// <summary>
/// The fixed latency bins every traffic count uses: geometric, ratio 1.25 from 0.05 ms, so that a
/// percentile is exact to one bin, and counts from any interval or any server add up bin by bin.
/// </summary>
public static class LatencyBins
{
    public const int Count = 64;
    private const double FirstEdgeMs = 0.05;
    private const double Ratio = 1.25;

    public static int Of(double latencyMs) =>
        latencyMs <= FirstEdgeMs ? 0 : Math.Min(Count - 1, (int)Math.Ceiling(Math.Log(latencyMs / FirstEdgeMs, Ratio)));

    public static double UpperEdge(int bin) => FirstEdgeMs * Math.Pow(Ratio, bin);

    /// <summary>The <paramref name="q"/> quantile (nearest rank) as its bin's upper edge; 0 with no counts.</summary>
    public static double Percentile(IReadOnlyList<long> counts, double q)
    {
        long total = 0;
        for (var b = 0; b < counts.Count; b++)
        {
            total += counts[b];
        }
        if (total == 0)
        {
            return 0;
        }
        var rank = (long)Math.Ceiling(q * total);
        long seen = 0;
        for (var b = 0; b < counts.Count; b++)
        {
            seen += counts[b];
            if (seen >= rank)
            {
                return UpperEdge(b);
            }
        }
        return UpperEdge(counts.Count - 1);
    }
}
