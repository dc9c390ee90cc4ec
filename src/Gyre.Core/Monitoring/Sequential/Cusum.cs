namespace Gyre.Core.Monitoring.Sequential;

/// <summary>
/// A two-sided tabular CUSUM's sums after a window (Page 1954, in Montgomery's form):
/// <c>Upper = max(0, Upper' + z − k)</c> and <c>Lower = max(0, Lower' − z − k)</c>, where z is the
/// window's standardised statistic. <c>UpperSince</c> and <c>LowerSince</c> are the start times of
/// the windows where each sum last left zero: when a sum crosses h, the change is estimated to have
/// begun there. Null while a sum is zero.
/// </summary>
public sealed record CusumState(double Upper, double Lower, long? UpperSince, long? LowerSince)
{
    public static readonly CusumState Zero = new(0, 0, null, null);

    /// <summary>The next window's sums, and the alarm if one side crossed h (the window after an alarm starts again from <see cref="Zero"/>).</summary>
    public (CusumState State, SequentialAlarm? Alarm) Step(double z, double k, double h, long windowStart)
    {
        var upper = Math.Max(0, Upper + z - k);
        var lower = Math.Max(0, Lower - z - k);
        var next = new CusumState(upper, lower,
            upper > 0 ? UpperSince ?? windowStart : null,
            lower > 0 ? LowerSince ?? windowStart : null);
        if (upper > h || lower > h)
        {
            var up = upper - h >= lower - h;
            return (next, new SequentialAlarm(SequentialDetectors.Cusum, up ? SequentialAlarm.Up : SequentialAlarm.Down,
                (up ? next.UpperSince : next.LowerSince)!.Value, up ? upper : lower, h));
        }
        return (next, null);
    }
}
