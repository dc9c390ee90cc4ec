using Gyre.Core.Monitoring.Drift;
using Gyre.Core.Monitoring.Monitors;

namespace Gyre.Server.Dashboard.Components;

/// <summary>How the monitoring pages describe a monitor's settings and its tests' results.</summary>
internal static class MonitorText
{
    /// <summary>Where a score is drawn when a test saw something infinitely far from the reference (a value it never had).</summary>
    public const double MaxScore = 10;

    public static string Window(MonitorSettings settings) =>
        settings.WindowPredictions is int count ? $"every {Fmt.Count(count)} predictions"
        : settings.WindowSeconds is double seconds ? $"every {Fmt.Duration((long)(seconds * 1000))}"
        : "default";

    /// <summary>
    /// A test's result as a share of its threshold, 1 at the drift line for every test: a distance
    /// over its threshold (Wasserstein, Jensen–Shannon, PSI), or for a test with a p-value (KS,
    /// chi-square) log(p) over log(threshold), which grows as p falls below the threshold.
    /// </summary>
    public static double Score(ColumnDrift drift)
    {
        var score = drift.PValue is double p
            ? drift.Threshold is > 0 and < 1 ? Math.Log(Math.Max(p, 1e-300)) / Math.Log(drift.Threshold) : double.NaN
            : drift.Threshold > 0 ? drift.Statistic / drift.Threshold : double.NaN;
        return double.IsNaN(score) ? score : Math.Min(score, MaxScore);
    }

    public static string TestName(string test) => test switch
    {
        DriftTests.KolmogorovSmirnov => "Kolmogorov–Smirnov (ks)",
        DriftTests.ChiSquare => "chi-square (chisquare)",
        DriftTests.Wasserstein => "normed Wasserstein (wasserstein)",
        DriftTests.JensenShannon => "Jensen–Shannon (jensenshannon)",
        DriftTests.Psi => "population stability index (psi)",
        _ => test,
    };

    /// <summary>A cell's tooltip: the test, its statistic and p-value, and the threshold it was judged on.</summary>
    public static string Describe(ColumnDrift drift) =>
        $"{TestName(drift.Test)}: statistic {Fmt.Num(drift.Statistic)}{(drift.PValue is double p ? $", p-value {Fmt.Num(p)} (drift below {Fmt.Num(drift.Threshold)})" : $" (drift at {Fmt.Num(drift.Threshold)} or more)")}; {(drift.Drifted ? "drifted" : "no drift")}";
}
