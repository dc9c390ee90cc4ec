namespace Gyre.Core.Learning.Gate;

/// <summary>
/// MLflow's <c>MetricThreshold</c>: the candidate's <c>Metric</c> must reach <c>Threshold</c>, beat
/// the champion by <c>MinAbsoluteChange</c> and by <c>MinRelativeChange</c> (a fraction of the
/// champion's value), each when set; every comparison flips when lower is better.
/// <c>GreaterIsBetter</c> defaults from the metric (AUC, accuracy, F1, R² up; losses and errors down).
/// </summary>
public sealed record MetricThreshold(
    string? Metric,
    double? Threshold = null,
    double? MinAbsoluteChange = null,
    double? MinRelativeChange = null,
    bool? GreaterIsBetter = null);
