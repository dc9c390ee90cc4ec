using Gyre.Core.Data.Reference;

namespace Gyre.Core.Monitoring.Sequential;

/// <summary>
/// A window's statistic standardised against the reference: how many standard errors it lies from
/// the reference's value, as if the window were a random sample of the reference of the same size.
/// </summary>
public sealed record StandardisedStatistic(string Statistic, string Measure, double Value, double Z)
{
    public const string Mean = "mean";

    /// <summary>A numeric column's window mean: <c>z = (mean − μ) / (σ / √n)</c>, σ the reference's standard deviation.</summary>
    public static StandardisedStatistic? OfMean(string statistic, ColumnReference reference, ColumnReference window) =>
        reference is { Mean: { } mu, Stddev: { } sigma and > 0 } && window is { Mean: { } mean, Count: > 0 } && double.IsFinite(mu) && double.IsFinite(sigma)
            ? new StandardisedStatistic(statistic, Mean, mean, (mean - mu) / (sigma / Math.Sqrt(window.Count)))
            : null;

    /// <summary>
    /// A two-class column's share of its rarer class in the reference (the one usually of interest:
    /// churn, fraud, default): <c>z = (p̂ − p) / √(p (1 − p) / n)</c>.
    /// </summary>
    public static StandardisedStatistic? OfShare(string statistic, ColumnReference reference, ColumnReference window)
    {
        if (reference.Counts is not { Count: 2 } counts || window.Count == 0)
        {
            return null;
        }
        var rare = counts.MinBy(c => c.Count)!;
        var p = rare.Count / (double)counts.Sum(c => c.Count);
        var seen = window.Counts?.FirstOrDefault(c => c.Value == rare.Value)?.Count ?? 0;
        var share = seen / (double)window.Count;
        return new StandardisedStatistic(statistic, $"share of {rare.Value}", share, (share - p) / Math.Sqrt(p * (1 - p) / window.Count));
    }
}
