namespace Gyre.Core.Monitoring.Multivariate;

/// <summary>
/// Multivariate drift in a monitor, over the numeric and categorical features together: the PCA
/// reconstruction error, and a domain classifier (<c>DomainClassifier</c>) whose cross-validated
/// ROC AUC above <c>AucThreshold</c> (default 0.65) is drift. Both on by default.
/// </summary>
public sealed record MultivariateSettings(bool? Enabled = null, bool? DomainClassifier = null, double? AucThreshold = null)
{
    public bool IsEnabled => Enabled ?? true;

    public bool ClassifierEnabled => IsEnabled && (DomainClassifier ?? true);

    public double Threshold => AucThreshold ?? Multivariate.DomainClassifier.DefaultThreshold;

    public IEnumerable<string> Problems()
    {
        if (AucThreshold is { } auc && (!double.IsFinite(auc) || auc is <= 0.5 or >= 1))
        {
            yield return FormattableString.Invariant($"multivariate.auc_threshold: expected more than 0.5 and less than 1 (0.5 is a classifier that cannot tell the two apart), got {auc}");
        }
    }
}
