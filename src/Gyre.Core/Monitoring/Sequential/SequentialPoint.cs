namespace Gyre.Core.Monitoring.Sequential;

/// <summary>
/// One statistic of a drift window as the sequential detectors saw it: the window's <c>Value</c>
/// (a feature's mean, the predictions' mean, or the share of one predicted class — <c>Measure</c>
/// says which), its standardised form <c>Z</c>, both detectors' state after it, and their alarms.
/// Value and Z are null when the window had no value for the statistic: the state is carried over.
/// </summary>
public sealed record SequentialPoint(
    string Statistic,
    string Measure,
    double? Value,
    double? Z,
    CusumState Cusum,
    PageHinkleyState PageHinkley,
    IReadOnlyList<SequentialAlarm>? Alarms = null);
