using Gyre.Core.Monitoring.Sequential;

namespace Gyre.Core.Tests.Monitoring;

/// <summary>CUSUM and Page–Hinkley as the monitor runs them, window by window, against their recurrences written out here.</summary>
public sealed class SequentialDetectionTests
{
    private static readonly SequentialSettings Settings = SequentialSettings.Default;

    /// <summary>A seeded stream of z: 30 windows of N(0, 1), then a creep of 0.1 per window.</summary>
    private static double[] Stream()
    {
        var random = new Random(11);
        return [.. Enumerable.Range(0, 60).Select(i => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) + Math.Max(0, (i - 29) * 0.1))];
    }

    private static List<SequentialPoint> Run(double[] z, SequentialSettings settings)
    {
        var points = new List<SequentialPoint>();
        IReadOnlyList<SequentialPoint>? state = null;
        for (var i = 0; i < z.Length; i++)
        {
            state = SequentialDetection.Next(state, [new StandardisedStatistic("x", StandardisedStatistic.Mean, z[i], z[i])], settings, i * 1000L, (i + 1) * 1000L);
            points.Add(Assert.Single(state));
        }
        return points;
    }

    [Fact]
    public void Cusum_FollowsItsRecurrence_AndAlarmsWhereTheSumCrossesH_WithTheLastZeroAsTheChangePoint()
    {
        var z = Stream();
        var points = Run(z, Settings);
        double upper = 0, lower = 0;
        int? upperSince = null, lowerSince = null;
        var alarms = new List<(int Window, int Since)>();
        for (var i = 0; i < z.Length; i++)
        {
            upper = Math.Max(0, upper + z[i] - 0.75);
            lower = Math.Max(0, lower - z[i] - 0.75);
            upperSince = upper == 0 ? null : upperSince ?? i;
            lowerSince = lower == 0 ? null : lowerSince ?? i;
            Assert.Equal(upper, points[i].Cusum.Upper, 12);
            Assert.Equal(lower, points[i].Cusum.Lower, 12);
            if (upper > 7 || lower > 7)
            {
                alarms.Add((i, upper > 7 ? upperSince!.Value : lowerSince!.Value));
                (upper, lower, upperSince, lowerSince) = (0, 0, null, null);
            }
        }
        var found = points.Select((p, i) => (p, i)).Where(x => x.p.Alarms?.Any(a => a.Detector == SequentialDetectors.Cusum) == true)
            .Select(x => (x.i, (int)(x.p.Alarms!.Single(a => a.Detector == SequentialDetectors.Cusum).ChangeStart / 1000))).ToList();
        Assert.NotEmpty(alarms);
        Assert.Equal(alarms, found);
        // The creep starts at window 30: found after it, not before.
        Assert.True(alarms[0].Window > 30, $"alarm at {alarms[0].Window}");
        Assert.Equal(SequentialAlarm.Up, points[alarms[0].Window].Alarms!.First(a => a.Detector == SequentialDetectors.Cusum).Direction);
    }

    [Fact]
    public void PageHinkley_FollowsItsRecurrence_AgainstTheStreamsRunningMean()
    {
        var z = Stream();
        var points = Run(z, Settings);
        int count = 0, upAt = 0;
        double mean = 0, up = 0, upMin = 0;
        var first = -1;
        for (var i = 0; i < z.Length && first < 0; i++)
        {
            count++;
            mean += (z[i] - mean) / count;
            up += z[i] - mean - 0.5;
            if (count == 1 || up < upMin)
            {
                (upMin, upAt) = (Math.Min(up, 0), up < 0 ? i + 1 : i);
            }
            Assert.Equal(up - upMin, points[i].PageHinkley.UpStatistic, 12);
            Assert.Equal(mean, points[i].PageHinkley.Mean, 12);
            if (up - upMin > 12)
            {
                first = i;
                var alarm = points[i].Alarms!.Single(a => a.Detector == SequentialDetectors.PageHinkley);
                Assert.Equal((SequentialAlarm.Up, upAt * 1000L, up - upMin, 12.0), (alarm.Direction, alarm.ChangeStart, alarm.Statistic, alarm.Threshold));
            }
        }
        Assert.True(first > 30, $"first alarm at {first}");
        // The detector starts again after its alarm.
        Assert.Equal(1, points[first + 1].PageHinkley.Count);
    }

    [Fact]
    public void CleanStream_RaisesNoAlarm_AtTheDefaults()
    {
        var random = new Random(5);
        var z = Enumerable.Range(0, 200).Select(_ => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())).ToArray();
        Assert.All(Run(z, Settings), p => Assert.Null(p.Alarms));
    }

    [Fact]
    public void AMissingStatistic_KeepsItsState_AndAnAlarmedDetectorStartsAgain()
    {
        var statistic = new StandardisedStatistic("x", StandardisedStatistic.Mean, 9, 9);
        var first = SequentialDetection.Next(null, [statistic], Settings, 0, 1000);
        var alarm = Assert.Single(first).Alarms!.Single(a => a.Detector == SequentialDetectors.Cusum);
        Assert.Equal((SequentialAlarm.Up, 0L, 8.25), (alarm.Direction, alarm.ChangeStart, alarm.Statistic));
        Assert.Equal(8.25, first[0].Cusum.Upper);

        var carried = Assert.Single(SequentialDetection.Next(first, [], Settings, 1000, 2000));
        Assert.Null(carried.Z);
        Assert.Null(carried.Alarms);
        Assert.Equal(CusumState.Zero, carried.Cusum);

        var small = new StandardisedStatistic("x", StandardisedStatistic.Mean, 1, 1);
        var resumed = Assert.Single(SequentialDetection.Next(SequentialDetection.Next(null, [small], Settings, 0, 1000), [], Settings, 1000, 2000));
        Assert.Equal(0.25, resumed.Cusum.Upper, 12);
        Assert.Equal(0L, resumed.Cusum.UpperSince);
    }

    [Fact]
    public void Settings_OutOfRange_NameTheirFields()
    {
        var problems = new SequentialSettings(CusumK: -1, CusumH: 0, PageHinkleyLambda: double.NaN).Problems("sequential").ToList();
        Assert.Equal([
            "sequential.cusum_k: expected 0 to 10 standard errors, got -1",
            "sequential.cusum_h: expected more than 0 to 1000 standard errors, got 0",
            "sequential.page_hinkley_lambda: expected more than 0 to 1000 standard errors, got NaN",
        ], problems);
    }
}
