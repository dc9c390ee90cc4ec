namespace Gyre.Core.Data.Reference;

/// <summary>The fixed choices of reference statistics, named so that drift tests know what they read.</summary>
public static class ReferenceSettings
{
    /// <summary>
    /// Up to this many values a numeric column keeps them all, sorted, so that Kolmogorov–Smirnov
    /// is exact for a small reference (the size up to which the drift defaults use it).
    /// </summary>
    public const long ExactMaxValues = 1000;

    /// <summary>Quantiles at 0, 0.001, ..., 1: Wasserstein distance and large-reference KS are read off this grid.</summary>
    public const int QuantilePoints = 1001;

    /// <summary>Equal-frequency bins from the reference's deciles, for PSI.</summary>
    public const int PsiBins = 10;

    /// <summary>Categorical columns keep the counts of this many most frequent values and pool the rest.</summary>
    public const int MaxCategories = 1000;

    /// <summary>Numeric columns with at most this many distinct values also keep their value counts (chi-square).</summary>
    public const int NumericCountsMaxDistinct = 20;

    /// <summary>
    /// A monitoring window larger than this is sampled uniformly for its quantile grids; its counts
    /// and moments are always exact. Stored reference statistics are never sampled.
    /// </summary>
    public const long WindowSampleRows = 200_000;
}
