using Gyre.Core.Monitoring.Drift;

namespace Gyre.Core.Monitoring.Monitors;

/// <summary>
/// One window of an endpoint's traffic checked for drift: its time range [Start, End), how many
/// predictions it held, the version and reference it was compared with, the data drift report
/// (one entry per feature) and the drift of the predictions themselves against the reference's label.
/// <c>Streak</c> counts the windows in a row, this one included, that drifted as a data set (0 when
/// this one did not); <c>Alarm</c> is raised when the streak reaches the monitor's <c>alarm_after</c>.
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
    bool Alarm = false);
