namespace Gyre.Core.Learning.Gate;

/// <summary>
/// <c>POST /api/v1/models/{name}/versions/{version}/gate</c>: compare the version with the one
/// behind <c>Baseline</c> (default <c>champion</c>) on the same test data — <c>Dataset</c> at
/// <c>Version</c>, by default the test data the candidate was trained against — with
/// <c>Thresholds</c>, and, when <c>SliceColumn</c> is set, no slice of it worse than the
/// champion's by more than <c>MaxSliceDrop</c> on the first threshold's metric. <c>Bias</c> adds
/// fairness bounds: a more accurate but less fair candidate is refused with the reason.
/// </summary>
public sealed record GateRequest(
    IReadOnlyList<MetricThreshold>? Thresholds,
    string? Dataset = null,
    long? Version = null,
    string? Label = null,
    string? Baseline = null,
    string? SliceColumn = null,
    double? MaxSliceDrop = null,
    BiasBounds? Bias = null);
