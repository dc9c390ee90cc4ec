using Gyre.Core.Serving.Traffic;

namespace Gyre.Core.Tests.Serving;

public sealed class TrafficMeterTests
{
    private const long T0 = 1_800_000_000_000; // on an interval boundary

    [Fact]
    public void AMark_StartsASpan_WithoutResettingWhatOtherReadersSee()
    {
        var meter = new TrafficMeter();
        var canary = meter.Of("churn", "canary");
        for (var i = 0; i < 10; i++)
        {
            canary.Answered(2.0, T0 + i);
        }
        canary.Failed(T0 + 20);

        meter.Mark("churn", "canary"); // a rollout step begins
        canary.Answered(40.0, T0 + 30);
        canary.Failed(T0 + 40);

        var step = meter.SinceMark("churn", "canary");
        Assert.Equal((2L, 1L, 0.5), (step.Requests, step.Errors, step.ErrorRate));
        Assert.InRange(step.P99LatencyMs, 40.0, 50.0);
        // The totals and the intervals still hold everything: a policy reading them sees no reset.
        Assert.Equal((13L, 2L), (canary.Totals().Requests, canary.Totals().Errors));
        var interval = Assert.Single(canary.Series.Snapshot(T0 + 50, T0));
        Assert.Equal((13L, 2L), (interval.Requests, interval.Errors));
    }

    [Fact]
    public void CountsFromTwoServers_AddUp_BinByBin()
    {
        var (a, b) = (new VariantMeter(), new VariantMeter());
        for (var i = 0; i < 98; i++)
        {
            a.Answered(1.0, T0);
        }
        b.Answered(100.0, T0);
        b.Answered(100.0, T0);
        b.Shadowed(agreed: true);
        b.Shadowed(agreed: false);

        var merged = a.Totals().Plus(b.Totals());

        Assert.Equal((100L, 0L, 2L, 1L), (merged.Requests, merged.Errors, merged.Compared, merged.Agreed));
        Assert.Equal(100L, merged.Latencies.Sum());
        // 2 % of the merged requests took 100 ms: the p99 is in their bin, which neither server's p50 shows.
        Assert.InRange(merged.P99LatencyMs, 100.0, 125.0);
        Assert.InRange(merged.P50LatencyMs, 1.0, 1.25);
        Assert.Equal(a.Totals().Latencies, merged.Minus(b.Totals()).Latencies);
    }
}
