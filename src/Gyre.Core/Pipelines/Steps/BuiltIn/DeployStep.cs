using System.Text.Json.Nodes;
using Gyre.Core.Errors;
using Gyre.Core.Features.Lookups;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Rollouts;

namespace Gyre.Core.Pipelines.Steps.BuiltIn;

/// <summary>
/// <c>deploy</c>: puts the model from a step before behind <c>endpoint</c>. A new endpoint is made
/// to follow <c>alias</c> (default <c>champion</c>, moved to the model first); an existing one gets
/// a rollout of the model with <c>strategy</c> and its settings, and the rollout controller takes
/// it from there (<c>wait: true</c> waits for it to end and fails the step when it fails). Never
/// cached, and safe to repeat: a model already served, or already being rolled out, is left as it is.
/// </summary>
internal sealed class DeployStep(StepArtifacts artifacts, EndpointService endpoints, RolloutController rollouts, IRolloutStore rolloutRecords, TimeProvider time)
    : StepType(artifacts)
{
    public override string Name => "deploy";

    public override IReadOnlyList<StepParameter> Parameters { get; } =
    [
        new("endpoint", ParameterKind.String, "the endpoint to serve the model", Required: true),
        new("strategy", ParameterKind.String, $"one of {string.Join(", ", RolloutStrategies.All)} (default canary)"),
        new("alias", ParameterKind.String, "the alias a new endpoint follows (default champion)"),
        new("log_mode", ParameterKind.String, "a new endpoint's prediction log: durable or fast"),
        new("lookup", ParameterKind.Strings, "features a new endpoint looks up from the online store by entity key: GROUP:FEATURE or GROUP:*"),
        new("missing", ParameterKind.String, "what a new endpoint's row gets when its entity has no features: reject (a 400) or null (missing values)"),
        new("steps", ParameterKind.Numbers, "canary steps in percent, such as [10, 25, 50, 100]"),
        new("bake_seconds", ParameterKind.Number, "how long each canary step is held"),
        new("min_requests", ParameterKind.Integer, "requests a canary needs before it is judged"),
        new("min_stable_requests", ParameterKind.Integer, "stable requests a canary step needs to compare with"),
        new("max_extensions", ParameterKind.Integer, "extra bake periods a step without enough evidence may take"),
        new("on_inconclusive", ParameterKind.String, "fail or pass when a step still lacks evidence"),
        new("max_error_rate_increase", ParameterKind.Number, "how much more often the canary may fail"),
        new("max_latency_ratio", ParameterKind.Number, "how much slower (p99) the canary may be"),
        new("min_labelled", ParameterKind.Integer, "labelled predictions needed to compare online metrics"),
        new("max_metric_drop", ParameterKind.Number, "how much worse the canary's online metric may be"),
        new("shadow_percent", ParameterKind.Integer, "the share of requests copied to a shadow"),
        new("candidate_weight", ParameterKind.Integer, "an A/B candidate's share of traffic"),
        new("retention_seconds", ParameterKind.Number, "how long blue-green keeps the old version loaded"),
        new("duration_seconds", ParameterKind.Number, "how long a shadow runs"),
        new("wait", ParameterKind.Boolean, "wait for the rollout to end (default false)"),
    ];

    public override bool Cacheable(JsonObject with) => false;

    public override IReadOnlyList<string> Check(JsonObject with) =>
        EndpointNames.Check("endpoint", with["endpoint"]!.GetValue<string>()) is { } bad ? [bad] : [];

    public override Task<IReadOnlyList<PipelineArtifact>> InputsAsync(StepContext context, CancellationToken ct) => Inputs(context.Require("model"));

    public override async Task<StepResult> ExecuteAsync(StepContext context, IReadOnlyList<PipelineArtifact> inputs, CancellationToken ct)
    {
        var (name, version) = Model(inputs[0]);
        var endpointName = context.String("endpoint")!;
        Endpoint endpoint;
        try
        {
            endpoint = (await endpoints.GetAsync(endpointName, ct)).Endpoint;
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            var alias = context.String("alias") ?? "champion";
            await Registry.SetAliasAsync(name, alias, version, ct);
            var lookup = context.Strings("lookup") is { } features ? new FeatureLookup(features, context.String("missing")) : null;
            await endpoints.CreateAsync(new CreateEndpointRequest(endpointName, $"{name}@{alias}", $"deployed by pipeline {context.Pipeline}", context.String("log_mode"), Features: lookup), ct);
            await context.Log.WriteLineAsync($"moved {name}@{alias} to version {version}; created endpoint '{endpointName}'");
            return new StepResult([], $"created endpoint '{endpointName}' serving {name}/{version}");
        }
        if (endpoint.Variants is [var only] && only.ModelName == name && only.ModelVersion == version)
        {
            return new StepResult([], $"'{endpointName}' already serves {name}/{version}");
        }
        var rollout = await rolloutRecords.GetRunningAsync(endpointName, ct);
        if (rollout is null || rollout.Candidate.ModelName != name || rollout.Candidate.ModelVersion != version)
        {
            rollout = await rollouts.StartAsync(endpointName, Request(context, name, version), ct);
            await context.Log.WriteLineAsync($"started {rollout.Strategy} rollout {rollout.Id} of {name}/{version} on '{endpointName}'");
        }
        if (context.Boolean("wait") == true)
        {
            rollout = await WaitAsync(context, rollout, ct);
        }
        var artifact = new PipelineArtifact("rollout", ArtifactTypes.Rollout, ArtifactUris.Rollout(endpointName, rollout.Id), Digests.Of(ArtifactUris.Rollout(endpointName, rollout.Id)),
            new JsonObject { ["strategy"] = rollout.Strategy, ["state"] = rollout.State, ["model"] = inputs[0].Uri });
        return new StepResult([artifact], $"{rollout.Strategy} rollout {rollout.Id} of {name}/{version} on '{endpointName}': {rollout.State}");
    }

    public override Task<bool> OutputsExistAsync(IReadOnlyList<PipelineArtifact> outputs, CancellationToken ct) => Task.FromResult(false);

    private static RolloutRequest Request(StepContext context, string name, long version) => new(
        $"{name}/{version}", context.String("strategy"), context.Numbers("steps")?.Select(s => (int)s).ToList(), context.Number("bake_seconds"),
        (int?)context.Integer("min_requests"), context.Number("max_error_rate_increase"), context.Number("max_latency_ratio"),
        (int?)context.Integer("min_labelled"), context.Number("max_metric_drop"), (int?)context.Integer("shadow_percent"),
        (int?)context.Integer("candidate_weight"), context.Number("retention_seconds"), context.Number("duration_seconds"),
        (int?)context.Integer("min_stable_requests"), (int?)context.Integer("max_extensions"), context.String("on_inconclusive"));

    private async Task<Rollout> WaitAsync(StepContext context, Rollout rollout, CancellationToken ct)
    {
        while (rollout.State == RolloutStates.Running)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
            rollout = await rolloutRecords.GetRolloutAsync(rollout.Endpoint, rollout.Id, ct);
        }
        await context.Log.WriteLineAsync($"rollout {rollout.Id} ended {rollout.State}");
        return rollout.State is RolloutStates.Succeeded or RolloutStates.Completed
            ? rollout
            : throw GyreException.Conflict($"rollout {rollout.Id} on '{rollout.Endpoint}' ended {rollout.State}{(rollout.Transitions.Count > 0 ? ": " + rollout.Transitions[^1].Reason : "")}");
    }
}
