using Gyre.Core.Monitoring.Drift;
using Gyre.Core.Monitoring.Multivariate;
using Gyre.Core.Monitoring.Performance;
using Gyre.Core.Monitoring.Sequential;

namespace Gyre.Core.Monitoring.Monitors;

/// <summary>
/// One window of an endpoint's traffic checked for drift: its time range [Start, End), how many
/// predictions it held, the version and reference it was compared with, the data drift report
/// (one entry per feature) and the drift of the predictions themselves against the reference's label.
/// <c>Streak</c> counts the windows in a row, this one included, that drifted as a data set (0 when
/// this one did not); <c>Alarm</c> is raised when the streak reaches the monitor's <c>alarm_after</c>.
/// <c>Sequential</c> holds the sequential detectors' statistics and alarms after this window;
/// <c>Performance</c> the performance estimated without labels, or why there is no estimate;
/// <c>Multivariate</c> the features' drift taken together (PCA reconstruction error).
/// </summary>
public sealed record DriftWindow(
    long Id,
    string Endpoint,
    long Start,
    long End,
    int Predictions,
    string Reference,
    DriftReport Data,
    ColumnDrift? Prediction,
    int Streak = 0,
    bool Alarm = false,
    IReadOnlyList<SequentialPoint>? Sequential = null,
    EstimatedPerformance? Performance = null,
    MultivariateDrift? Multivariate = null,
    Skew.FeatureSkew? Skew = null)
{
    /// <summary>The sequential detectors' alarms in this window, with the statistic each fired on.</summary>
    public IEnumerable<(SequentialPoint Point, SequentialAlarm Alarm)> SequentialAlarms() =>
        (Sequential ?? []).SelectMany(p => (p.Alarms ?? []).Select(a => (p, a)));
}
