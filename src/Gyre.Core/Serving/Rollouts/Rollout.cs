namespace Gyre.Core.Serving.Rollouts;

/// <summary>
/// One move of an endpoint's traffic to a candidate version, with every transition and its reason.
/// The stable variant is what served before; the weights of the running step are in the endpoint.
/// <c>Extensions</c> counts the extra bake periods the current canary step has taken because its
/// analysis lacked the evidence to judge. <c>Revision</c> counts the saves of the record, which a save
/// must be made over (it is the store's, not part of the record's JSON).
/// </summary>
public sealed record Rollout(
    long Id,
    string Endpoint,
    string Strategy,
    string State,
    RolloutVariant Stable,
    RolloutVariant Candidate,
    RolloutSettings Settings,
    int Step,
    long StepStartTime,
    long StartTime,
    long LastUpdateTime,
    IReadOnlyList<RolloutTransition> Transitions,
    IReadOnlyList<AnalysisResult>? Analyses = null,
    int Extensions = 0,
    [property: System.Text.Json.Serialization.JsonIgnore] long Revision = 0);

/// <summary>A model version in a rollout, with the name of its endpoint variant.</summary>
public sealed record RolloutVariant(string Variant, string ModelName, long ModelVersion);

/// <summary>What happened and why: the state after it, the candidate's weight, and the reason.</summary>
public sealed record RolloutTransition(long Time, string State, int CandidateWeight, string Reason);

/// <summary>
/// A rollout's settings, defaults filled in: canary steps (percent) and bake time; the analysis's
/// limits and the evidence it needs (<c>MinRequests</c> of the canary, <c>MinStableRequests</c> of the
/// stable variant in the step); how many bake periods a step without that evidence waits
/// (<c>MaxExtensions</c>) and what it does then (<c>OnInconclusive</c>: fail, or pass with a
/// warning); the shadow's share of copied requests; A/B weights; how long blue stays loaded.
/// Settings stored before the evidence rule existed read with its defaults.
/// </summary>
public sealed record RolloutSettings(
    IReadOnlyList<int> Steps,
    double BakeSeconds,
    int MinRequests,
    double MaxErrorRateIncrease,
    double MaxLatencyRatio,
    int MinLabelled,
    double MaxMetricDrop,
    int ShadowPercent,
    int CandidateWeight,
    double RetentionSeconds,
    double DurationSeconds,
    int? MinStableRequests = null,
    int MaxExtensions = RolloutSettings.DefaultMaxExtensions,
    string OnInconclusive = InconclusiveOutcomes.Fail)
{
    public const int DefaultMaxExtensions = 3;

    /// <summary>The stable variant's minimum sample in a step: its own setting, else the canary's.</summary>
    public int StableSample => MinStableRequests ?? MinRequests;
}

/// <summary>What a canary step does when its analysis still lacks evidence after its extensions.</summary>
public static class InconclusiveOutcomes
{
    public const string Fail = "fail";
    public const string Pass = "pass";

    public static IReadOnlyList<string> All { get; } = [Fail, Pass];
}

/// <summary>One canary analysis: each side's figures over the step's window, each check, and the verdict.</summary>
public sealed record AnalysisResult(long Time, int Step, string Verdict, VariantFigures Stable, VariantFigures Candidate, IReadOnlyList<string> Reasons);

/// <summary>A variant's figures over a window: requests and errors, p99 latency, and the online metric when feedback exists.</summary>
public sealed record VariantFigures(long Requests, long Errors, double ErrorRate, double P99LatencyMs, string? Metric, double? MetricValue, int Labelled);

public static class RolloutStrategies
{
    public const string BlueGreen = "blue_green";
    public const string Canary = "canary";
    public const string Shadow = "shadow";
    public const string AB = "ab";

    public static IReadOnlyList<string> All { get; } = [BlueGreen, Canary, Shadow, AB];
}

public static class RolloutStates
{
    /// <summary>Moving traffic (canary), retaining blue (blue-green), or running side by side (shadow, A/B).</summary>
    public const string Running = "running";

    /// <summary>The candidate serves all traffic.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>The analysis failed; all traffic is back on the stable variant.</summary>
    public const string Failed = "failed";

    /// <summary>Stopped by a person; all traffic is back on the stable variant.</summary>
    public const string Aborted = "aborted";

    /// <summary>A shadow that ran its time: the candidate never took traffic and is unloaded.</summary>
    public const string Completed = "completed";

    public static bool IsFinal(string state) => state != Running;
}
