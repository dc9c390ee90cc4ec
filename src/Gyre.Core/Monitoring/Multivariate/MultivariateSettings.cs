namespace Gyre.Core.Monitoring.Multivariate;

/// <summary>Multivariate drift in a monitor (PCA reconstruction error over the numeric and categorical features): on by default.</summary>
public sealed record MultivariateSettings(bool? Enabled = null)
{
    public bool IsEnabled => Enabled ?? true;
}
