namespace Gyre.Core.Monitoring.Multivariate;

/// <summary>
/// A window's multivariate drift by <c>Method</c> (<c>pca</c>): the window's statistic (the mean
/// reconstruction error), the reference's, the band [Lower, Upper] outside which the window drifted,
/// the components kept and the share of variance they explain, and the columns it covered; and the
/// domain classifier's verdict on the same rows (<c>Classifier</c>). When there is no figure,
/// <c>Missing</c> says why.
/// </summary>
public sealed record MultivariateDrift(
    string Method,
    double? Statistic = null,
    double? Reference = null,
    double? Lower = null,
    double? Upper = null,
    bool Drifted = false,
    int? Components = null,
    double? ExplainedVariance = null,
    IReadOnlyList<string>? Columns = null,
    string? Missing = null,
    DomainClassifierDrift? Classifier = null)
{
    /// <summary>Whether either the reconstruction error or the domain classifier found drift.</summary>
    public bool AnyDrift => Drifted || Classifier?.Drifted == true;

    public const string Pca = "pca";
}
