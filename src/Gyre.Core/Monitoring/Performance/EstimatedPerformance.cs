namespace Gyre.Core.Monitoring.Performance;

/// <summary>
/// A window's performance estimated without labels: by <c>Method</c> (<c>cbpe</c>), over
/// <c>Rows</c> predictions, each metric with its sampling error (a standard error: the band drawn is
/// ±3 of them), and whether the scores were <c>Calibrated</c> first. When no estimate is possible,
/// <c>Missing</c> says why and the metrics are absent; the window itself is still checked.
/// </summary>
public sealed record EstimatedPerformance(
    string Method,
    long Rows,
    IReadOnlyDictionary<string, double>? Metrics = null,
    IReadOnlyDictionary<string, double>? SamplingError = null,
    bool Calibrated = false,
    string? Missing = null)
{
    public const string Cbpe = "cbpe";

    public static EstimatedPerformance Unavailable(string why) => new(Cbpe, 0, Missing: why);
}
