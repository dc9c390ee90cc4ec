namespace Gyre.Core.Monitoring.Sequential;

/// <summary>
/// The sequential detectors' parameters, in units of a statistic's standard error (each window's
/// statistic is standardised against the reference first, so one setting fits every feature).
/// <list type="bullet">
/// <item><c>CusumK</c>, the allowance: the shift, in standard errors, that CUSUM is tuned to find
/// quickest is 2k; smaller offsets are absorbed (default 0.75).</item>
/// <item><c>CusumH</c>, the decision interval: CUSUM alarms when either side's sum exceeds it (default 7).</item>
/// <item><c>PageHinkleyDelta</c>, the magnitude tolerated around the stream's own running mean (default 0.5).</item>
/// <item><c>PageHinkleyLambda</c>, Page–Hinkley's threshold (default 12).</item>
/// </list>
/// The defaults were chosen with <c>bench sequential sweep</c>: fewer than 1 clean stream of 200
/// windows in 500 raises a false alarm, and a creep of 0.5 standard deviations over 20 windows of
/// 1,000 predictions is found within 7 windows of its start (docs/benchmarks.md has the figures). <c>Enabled: false</c> turns both off.
/// </summary>
public sealed record SequentialSettings(
    bool? Enabled = null,
    double? CusumK = null,
    double? CusumH = null,
    double? PageHinkleyDelta = null,
    double? PageHinkleyLambda = null)
{
    public const double DefaultCusumK = 0.75;
    public const double DefaultCusumH = 7;
    public const double DefaultPageHinkleyDelta = 0.5;
    public const double DefaultPageHinkleyLambda = 12;

    public bool IsEnabled => Enabled ?? true;

    public double K => CusumK ?? DefaultCusumK;

    public double H => CusumH ?? DefaultCusumH;

    public double Delta => PageHinkleyDelta ?? DefaultPageHinkleyDelta;

    public double Lambda => PageHinkleyLambda ?? DefaultPageHinkleyLambda;

    /// <summary>Each parameter out of range, named with its field under <paramref name="prefix"/>.</summary>
    public IEnumerable<string> Problems(string prefix)
    {
        foreach (var (name, value, max) in new[] { ("cusum_k", CusumK, 10.0), ("cusum_h", CusumH, 1000.0), ("page_hinkley_delta", PageHinkleyDelta, 10.0), ("page_hinkley_lambda", PageHinkleyLambda, 1000.0) })
        {
            if (value is { } v && (!double.IsFinite(v) || v < 0 || v > max || (v == 0 && name is "cusum_h" or "page_hinkley_lambda")))
            {
                yield return FormattableString.Invariant($"{prefix}.{name}: expected {(name is "cusum_h" or "page_hinkley_lambda" ? "more than 0" : "0")} to {max} standard errors, got {v}");
            }
        }
    }

    public static readonly SequentialSettings Default = new();
}
