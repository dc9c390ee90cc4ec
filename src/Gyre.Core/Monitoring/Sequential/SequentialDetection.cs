namespace Gyre.Core.Monitoring.Sequential;

/// <summary>
/// Runs CUSUM and Page–Hinkley over a monitor's windows: each window's standardised statistics
/// step the state the previous window left (kept on the stored window, so nothing else holds it).
/// A statistic the window lacks keeps its state; a detector that alarmed starts again from zero in
/// the next window (the alarming window keeps the sums that crossed the threshold, for the charts).
/// </summary>
public static class SequentialDetection
{
    public static IReadOnlyList<SequentialPoint> Next(
        IReadOnlyList<SequentialPoint>? previous, IReadOnlyList<StandardisedStatistic> observed, SequentialSettings settings, long windowStart, long windowEnd)
    {
        var points = new List<SequentialPoint>();
        foreach (var s in observed)
        {
            var before = previous?.FirstOrDefault(p => p.Statistic == s.Statistic && p.Measure == s.Measure);
            var (cusum, cusumAlarm) = (Alarmed(before, SequentialDetectors.Cusum) ? CusumState.Zero : before?.Cusum ?? CusumState.Zero)
                .Step(s.Z, settings.K, settings.H, windowStart);
            var (pageHinkley, phAlarm) = (Alarmed(before, SequentialDetectors.PageHinkley) ? PageHinkleyState.Zero : before?.PageHinkley ?? PageHinkleyState.Zero)
                .Step(s.Z, settings.Delta, settings.Lambda, windowStart, windowEnd);
            SequentialAlarm[] alarms = [.. new[] { cusumAlarm, phAlarm }.OfType<SequentialAlarm>()];
            points.Add(new SequentialPoint(s.Statistic, s.Measure, s.Value, s.Z, cusum, pageHinkley, alarms.Length > 0 ? alarms : null));
        }
        foreach (var carried in previous ?? [])
        {
            if (!observed.Any(s => s.Statistic == carried.Statistic && s.Measure == carried.Measure))
            {
                // An alarm is not carried: the detector that raised it starts again when the statistic is back.
                points.Add(carried with
                {
                    Value = null,
                    Z = null,
                    Cusum = Alarmed(carried, SequentialDetectors.Cusum) ? CusumState.Zero : carried.Cusum,
                    PageHinkley = Alarmed(carried, SequentialDetectors.PageHinkley) ? PageHinkleyState.Zero : carried.PageHinkley,
                    Alarms = null,
                });
            }
        }
        return points;
    }

    private static bool Alarmed(SequentialPoint? point, string detector) => point?.Alarms?.Any(a => a.Detector == detector) == true;
}
