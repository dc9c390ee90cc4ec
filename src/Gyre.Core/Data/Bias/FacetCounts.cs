namespace Gyre.Core.Data.Bias;

/// <summary>
/// One group's counts, in Clarify's notation: its rows n, observed favourable labels n⁽¹⁾, and —
/// after training — predicted favourable labels n̂⁽¹⁾ and the confusion matrix of the favourable outcome.
/// </summary>
public sealed record FacetCounts(long Rows, long Positive, long PredictedPositive = 0, long TruePositive = 0, long FalsePositive = 0, long FalseNegative = 0)
{
    public long TrueNegative => Rows - TruePositive - FalsePositive - FalseNegative;

    /// <summary>The rows of <paramref name="all"/> outside <paramref name="part"/>: facet a, from all rows and facet d.</summary>
    public static FacetCounts operator -(FacetCounts all, FacetCounts part) => new(all.Rows - part.Rows, all.Positive - part.Positive, all.PredictedPositive - part.PredictedPositive,
        all.TruePositive - part.TruePositive, all.FalsePositive - part.FalsePositive, all.FalseNegative - part.FalseNegative);
}
