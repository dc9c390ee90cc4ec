namespace Gyre.Core.Monitoring.Sequential;

/// <summary>
/// A two-sided Page–Hinkley test's state after a window (Page 1954; Hinkley 1971; as in Gama et al.
/// 2013): against the stream's own running mean x̄ (of the windows since the last alarm),
/// <c>Up = Σ (z − x̄ − δ)</c> alarms when it rises more than λ above its minimum, and
/// <c>Down = Σ (z − x̄ + δ)</c> when it falls more than λ below its maximum. Unlike CUSUM it needs no
/// reference mean, so it finds a change in a stream that was already off the reference when it
/// started. The change is estimated to begin after the window where the extreme was reached
/// (<c>UpSince</c>, <c>DownSince</c>: the start time of the window that followed it).
/// </summary>
public sealed record PageHinkleyState(int Count, double Mean, double Up, double UpMin, long? UpSince, double Down, double DownMax, long? DownSince)
{
    public static readonly PageHinkleyState Zero = new(0, 0, 0, 0, null, 0, 0, null);

    /// <summary>How far Up has risen above its minimum.</summary>
    public double UpStatistic => Up - UpMin;

    /// <summary>How far Down has fallen below its maximum.</summary>
    public double DownStatistic => DownMax - Down;

    public (PageHinkleyState State, SequentialAlarm? Alarm) Step(double z, double delta, double lambda, long windowStart, long windowEnd)
    {
        var count = Count + 1;
        var mean = Mean + ((z - Mean) / count);
        var up = Up + z - mean - delta;
        var down = Down + z - mean + delta;
        // Before the first window the sums are 0, and the change can start at the first window.
        var (upMin, upSince) = Count == 0 || up < UpMin ? (Math.Min(up, 0), up < 0 ? windowEnd : windowStart) : (UpMin, UpSince);
        var (downMax, downSince) = Count == 0 || down > DownMax ? (Math.Max(down, 0), down > 0 ? windowEnd : windowStart) : (DownMax, DownSince);
        var next = new PageHinkleyState(count, mean, up, upMin, upSince, down, downMax, downSince);
        var rise = next.UpStatistic;
        var fall = next.DownStatistic;
        if (rise > lambda || fall > lambda)
        {
            var isUp = rise >= fall;
            return (next, new SequentialAlarm(SequentialDetectors.PageHinkley, isUp ? SequentialAlarm.Up : SequentialAlarm.Down,
                (isUp ? upSince : downSince)!.Value, isUp ? rise : fall, lambda));
        }
        return (next, null);
    }
}
