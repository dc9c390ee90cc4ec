namespace Gyre.Core.Monitoring.Sequential;

/// <summary>
/// A sequential detector's alarm on a statistic: which detector, whether the statistic went up or
/// down, the start time of the window where the change is estimated to have begun, and the
/// detector's statistic against its threshold when it fired.
/// </summary>
public sealed record SequentialAlarm(string Detector, string Direction, long ChangeStart, double Statistic, double Threshold)
{
    public const string Up = "up";
    public const string Down = "down";
}
