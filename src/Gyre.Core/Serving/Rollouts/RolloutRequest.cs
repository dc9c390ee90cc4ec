namespace Gyre.Core.Serving.Rollouts;

/// <summary>
/// <c>POST /api/v1/endpoints/{name}/rollouts</c>. <c>model</c> defaults to what the endpoint's alias
/// points at now. Canary: <c>steps</c>, <c>bake_seconds</c>, and the analysis's <c>min_requests</c>,
/// <c>min_stable_requests</c>, <c>max_error_rate_increase</c>, <c>max_latency_ratio</c>, <c>min_labelled</c>,
/// <c>max_metric_drop</c>, <c>max_extensions</c> and <c>on_inconclusive</c> (<c>fail</c> or <c>pass</c>).
/// Blue-green: <c>retention_seconds</c>. Shadow: <c>shadow_percent</c>, <c>duration_seconds</c>.
/// A/B: <c>candidate_weight</c>.
/// </summary>
public sealed record RolloutRequest(
    string? Model = null,
    string? Strategy = null,
    IReadOnlyList<int>? Steps = null,
    double? BakeSeconds = null,
    int? MinRequests = null,
    double? MaxErrorRateIncrease = null,
    double? MaxLatencyRatio = null,
    int? MinLabelled = null,
    double? MaxMetricDrop = null,
    int? ShadowPercent = null,
    int? CandidateWeight = null,
    double? RetentionSeconds = null,
    double? DurationSeconds = null,
    int? MinStableRequests = null,
    int? MaxExtensions = null,
    string? OnInconclusive = null);
