using Gyre.Core.Errors;
using Gyre.Core.Serving.Endpoints;

namespace Gyre.Core.Serving.Rollouts;

/// <summary>
/// A rollout's settings from its request (defaults filled in, every field checked), and the
/// variants an endpoint must have in each state of a rollout. The rollout record is the truth;
/// the endpoint's variants are derived from it, so that after a crash the controller can put
/// them right from the record alone.
/// </summary>
public static class RolloutPlan
{
    public static readonly IReadOnlyList<int> DefaultSteps = [10, 25, 50, 100];

    public static RolloutSettings Settings(RolloutRequest request)
    {
        var problems = new List<string>();
        var steps = request.Steps ?? DefaultSteps;
        if (steps.Count == 0 || steps.Any(s => s is < 1 or > 100) || steps.Zip(steps.Skip(1)).Any(p => p.Second <= p.First) || steps[^1] != 100)
        {
            problems.Add($"steps: expected rising percentages from 1 to 100 that end at 100, got [{string.Join(", ", steps)}]");
        }
        void Range(string field, double? value, double min, double max)
        {
            if (value is { } v && (!double.IsFinite(v) || v < min || v > max))
            {
                problems.Add($"{field}: expected a number from {min} to {max}, got {v}");
            }
        }
        Range("bake_seconds", request.BakeSeconds, 0, 7 * 86400);
        Range("min_requests", request.MinRequests, 1, 1e9);
        Range("max_error_rate_increase", request.MaxErrorRateIncrease, 0, 1);
        Range("max_latency_ratio", request.MaxLatencyRatio, 1, 1000);
        Range("min_labelled", request.MinLabelled, 1, 1e9);
        Range("max_metric_drop", request.MaxMetricDrop, 0, 1e9);
        Range("shadow_percent", request.ShadowPercent, 1, 100);
        Range("candidate_weight", request.CandidateWeight, 1, 99);
        Range("retention_seconds", request.RetentionSeconds, 0, 30 * 86400);
        Range("duration_seconds", request.DurationSeconds, 1, 30 * 86400);
        Range("min_stable_requests", request.MinStableRequests, 1, 1e9);
        Range("max_extensions", request.MaxExtensions, 0, 100);
        var onInconclusive = request.OnInconclusive?.ToLowerInvariant() ?? InconclusiveOutcomes.Fail;
        if (!InconclusiveOutcomes.All.Contains(onInconclusive))
        {
            problems.Add($"on_inconclusive: expected {string.Join(" or ", InconclusiveOutcomes.All)}, got '{request.OnInconclusive}'");
        }
        GyreException.ThrowIfAny(problems);
        return new RolloutSettings(steps, request.BakeSeconds ?? 300, request.MinRequests ?? 20, request.MaxErrorRateIncrease ?? 0.01,
            request.MaxLatencyRatio ?? 1.5, request.MinLabelled ?? 30, request.MaxMetricDrop ?? 0.02, request.ShadowPercent ?? 100,
            request.CandidateWeight ?? 50, request.RetentionSeconds ?? 600, request.DurationSeconds ?? 3600,
            request.MinStableRequests, request.MaxExtensions ?? RolloutSettings.DefaultMaxExtensions, onInconclusive);
    }

    /// <summary>The candidate's share of live traffic (a shadow's share of copies) in a rollout's current state.</summary>
    public static int CandidateWeight(Rollout rollout) => rollout.State switch
    {
        RolloutStates.Succeeded => 100,
        RolloutStates.Running => rollout.Strategy switch
        {
            RolloutStrategies.BlueGreen => 100,
            RolloutStrategies.Canary => rollout.Settings.Steps[rollout.Step],
            RolloutStrategies.Shadow => rollout.Settings.ShadowPercent,
            _ => rollout.Settings.CandidateWeight,
        },
        _ => 0,
    };

    /// <summary>The variants the endpoint must have now.</summary>
    public static IReadOnlyList<EndpointVariant> Variants(Rollout rollout)
    {
        EndpointVariant Stable(int weight) => new(rollout.Stable.Variant, rollout.Stable.ModelName, rollout.Stable.ModelVersion, weight);
        EndpointVariant Candidate(int weight, string role = VariantRoles.Live) => new(rollout.Candidate.Variant, rollout.Candidate.ModelName, rollout.Candidate.ModelVersion, weight, role);
        var weight = CandidateWeight(rollout);
        return rollout.State switch
        {
            RolloutStates.Succeeded => [Candidate(100)],
            RolloutStates.Running => rollout.Strategy switch
            {
                // Blue stays loaded with no traffic, for an instant rollback while it is retained.
                RolloutStrategies.BlueGreen => [Candidate(100), Stable(0)],
                RolloutStrategies.Shadow => [Stable(100), Candidate(weight, VariantRoles.Shadow)],
                _ => [Stable(100 - weight), Candidate(weight)],
            },
            _ => [Stable(100)],
        };
    }
}
