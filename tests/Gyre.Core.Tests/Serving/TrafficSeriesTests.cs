using Gyre.Core.Serving.Traffic;

namespace Gyre.Core.Tests.Serving;

public sealed class TrafficSeriesTests
{
    private const long T0 = 1_800_000_000_000; // on an interval boundary

    [Fact]
    public void Read_CountsRequestsErrorsAndLatencyPercentilesPerInterval()
    {
        var series = new TrafficSeries();
        for (var i = 0; i < 99; i++)
        {
            series.Record(T0 + 1_000, 2.0, failed: false);
        }
        series.Record(T0 + 2_000, 400.0, failed: false);
        series.Record(T0 + 3_000, 0, failed: true);
        series.Record(T0 + 12_000, 1.0, failed: false);

        var points = series.Read(T0 + 15_000, T0);

        Assert.Equal([T0, T0 + 10_000], points.Select(p => p.Start));
        Assert.Equal(101, points[0].Requests);
        Assert.Equal(1, points[0].Errors);
        // Percentiles are exact to one geometric bin (ratio 1.25): the bin's upper edge.
        Assert.InRange(points[0].P50LatencyMs, 2.0, 2.5);
        Assert.InRange(points[0].P99LatencyMs, 2.0, 2.5);
        Assert.Equal(1, points[1].Requests);
        Assert.InRange(points[1].P99LatencyMs, 1.0, 1.25);
    }

    [Fact]
    public void QuietIntervals_AreZeros_AndASlotIsReusedOnlyForItsNewInterval()
    {
        var series = new TrafficSeries();
        series.Record(T0, 1, failed: false);
        var later = T0 + (TrafficSeries.Intervals * TrafficSeries.IntervalMs); // the same slot, 30 minutes on
        series.Record(later, 1, failed: true);

        var points = series.Read(later, T0);

        Assert.Equal(TrafficSeries.Intervals, points.Count); // at most the last 30 minutes
        Assert.Equal(later, points[^1].Start);
        Assert.Equal((1, 1), (points[^1].Requests, points[^1].Errors));
        Assert.All(points.SkipLast(1), p => Assert.Equal(0, p.Requests));
    }

    [Fact]
    public void TimesBefore1970_LandInASlot()
    {
        var series = new TrafficSeries();
        series.Record(-25_000, 3, failed: false);

        var point = Assert.Single(series.Read(-25_000, -25_000));

        Assert.Equal(-30_000, point.Start);
        Assert.Equal(1, point.Requests);
    }
}
