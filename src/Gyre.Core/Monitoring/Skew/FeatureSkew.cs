namespace Gyre.Core.Monitoring.Skew;

/// <summary>
/// A window's training/serving skew: of a sample of its predictions, how often each looked-up
/// feature the model saw differs from the value a training set would have taken for the same entity
/// at the same time (the offline store's, point in time). <c>Missing</c> says why there is none.
/// </summary>
public sealed record FeatureSkew(int Sampled, IReadOnlyList<SkewedFeature> Features, string? Missing = null)
{
    /// <summary>The highest mismatch rate of any feature (0 when none differ).</summary>
    public double MaxRate => Features.Count == 0 ? 0 : Features.Max(f => f.Rate);
}

/// <summary>One feature's skew: predictions compared, how many differed, their share, and the first that did.</summary>
public sealed record SkewedFeature(string Feature, string Group, int Compared, int Mismatches, double Rate, SkewExample? Example = null);

/// <summary>A prediction whose feature differed: what the model saw, and what the offline store says it was then (JSON; null when it had none).</summary>
public sealed record SkewExample(string PredictionId, string Served, string? Offline);
