namespace Gyre.Core.Monitoring.Policies;

/// <summary>
/// A policy: when the conditions on <c>Endpoint</c> hold (<c>any</c> of them, or <c>all</c>), run
/// the actions in order; then wait <c>CooldownSeconds</c> before it may fire again, so that one
/// incident never starts a storm of retraining.
/// </summary>
public sealed record PolicyDefinition(
    string Name,
    string Endpoint,
    IReadOnlyList<PolicyCondition> Conditions,
    bool All,
    IReadOnlyList<PolicyAction> Actions,
    double CooldownSeconds)
{
    public const double DefaultCooldownSeconds = 3600;
}

/// <summary>
/// One condition, by <c>Kind</c>: <c>dataset_drift</c> (the latest drift window drifted as a data
/// set), <c>feature_drift</c> (a feature's statistic in it above <c>Value</c>), <c>sequential_drift</c>
/// (CUSUM or Page–Hinkley alarmed in it, on any statistic or on <c>Feature</c>), <c>multivariate_drift</c>
/// (its PCA reconstruction error outside the reference's band), <c>feature_skew</c> (a looked-up
/// feature, any or <c>Feature</c>, differed from the offline store's point-in-time value in more than
/// <c>Value</c> of the window's sampled predictions), <c>estimated</c>
/// (the performance estimated without labels in it, <c>Metric</c> below or above <c>Value</c>), <c>metric</c> (the
/// online accuracy or RMSE over the last <c>Seconds</c> below or above <c>Value</c>, with at least
/// <c>MinLabelled</c> labelled predictions), <c>error_rate</c> (failed requests' share over the last
/// <c>Seconds</c> above <c>Value</c>), <c>no_traffic</c> (no prediction for <c>Seconds</c>).
/// </summary>
public sealed record PolicyCondition(string Kind, string? Feature = null, string? Metric = null, double? Value = null, bool Below = false,
    int MinLabelled = 0, double Seconds = 0);

/// <summary>An action, by <c>Kind</c>: <c>webhook</c> (POST the firing to <c>Target</c>, with <c>Retries</c>), <c>run_pipeline</c> (<c>Target</c>, as an alert), <c>rollback</c> (abort the endpoint's running rollout).</summary>
public sealed record PolicyAction(string Kind, string? Target = null, int Retries = 0);

/// <summary>The kinds a policy file may use.</summary>
public static class PolicyKinds
{
    public const string DatasetDrift = "dataset_drift";
    public const string FeatureDrift = "feature_drift";
    public const string SequentialDrift = "sequential_drift";
    public const string Estimated = "estimated";
    public const string MultivariateDrift = "multivariate_drift";
    public const string FeatureSkew = "feature_skew";
    public const string Metric = "metric";
    public const string ErrorRate = "error_rate";
    public const string NoTraffic = "no_traffic";

    public const string Webhook = "webhook";
    public const string RunPipeline = "run_pipeline";
    public const string Rollback = "rollback";

    public static readonly IReadOnlyList<string> Conditions = [DatasetDrift, FeatureDrift, SequentialDrift, MultivariateDrift, FeatureSkew, Estimated, Metric, ErrorRate, NoTraffic];

    public static readonly IReadOnlyList<string> Actions = [Webhook, RunPipeline, Rollback];
}
