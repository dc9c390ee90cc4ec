namespace Gyre.Core.Monitoring.Performance;

/// <summary>
/// A monitor window's performance: <c>Estimated</c> when the window closed, without labels, and
/// <c>Realized</c> from the labels that have arrived since for its predictions (null while none has).
/// </summary>
public sealed record PerformanceWindow(long Window, long Start, long End, int Predictions, EstimatedPerformance? Estimated, RealizedPerformance? Realized);

/// <summary>The metrics over a window's labelled predictions, and how many of its predictions have a label.</summary>
public sealed record RealizedPerformance(long Labelled, IReadOnlyDictionary<string, double> Metrics);
