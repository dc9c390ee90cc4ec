namespace Gyre.Core.Data;

/// <summary>The fixed choices of a profile, named so that readers of a profile know them.</summary>
public static class ProfileSettings
{
    public static readonly IReadOnlyList<double> Quantiles = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];

    public const int HistogramBins = 20;

    public const int TopValues = 10;

    /// <summary>
    /// Up to this many rows, distinct counts and quantiles are exact; above it they come from
    /// sketches (HyperLogLog, about 2 % relative error; T-Digest, rank error well under 1 %), and
    /// the profile says so.
    /// </summary>
    public const long ExactMaxRows = 100_000;

    public static string QuantileKey(double q) => q.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
