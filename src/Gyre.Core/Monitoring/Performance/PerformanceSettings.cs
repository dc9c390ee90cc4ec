using Gyre.Core.Monitoring.Drift;

namespace Gyre.Core.Monitoring.Performance;

/// <summary>
/// Performance estimation without labels in a monitor: on by default for a binary classifier.
/// <c>Reference</c> is the labelled data its scores are calibrated on (default: the test part the
/// served version was evaluated on when it was trained), <c>Label</c> its label column (default: the
/// package's). <c>Enabled: true</c> asks for it explicitly: then what stops it is a 400 when the
/// monitor is set, rather than a reason recorded with each window.
/// </summary>
public sealed record PerformanceSettings(bool? Enabled = null, DatasetSide? Reference = null, string? Label = null)
{
    public bool IsEnabled => Enabled ?? true;
}
