using System.Text.Json.Nodes;
using Gyre.Core.Features;

namespace Gyre.Core.Pipelines.Steps.BuiltIn;

/// <summary>
/// <c>features</c>: a point-in-time correct training set. The entity rows are the dataset from the
/// step before, or <c>entities: NAME@VERSION</c>; each gets the <c>features</c> (<c>GROUP:FEATURE</c>
/// or <c>GROUP:*</c>) as they were at its <c>timestamp</c>. The result is a version of <c>dataset</c>
/// (default <c>training-set</c>), the step's <c>dataset</c> output, which a split or a training takes next.
/// Never cached: the groups gain rows between runs.
/// </summary>
internal sealed class FeaturesStep(StepArtifacts artifacts, TrainingSets sets) : StepType(artifacts)
{
    public override string Name => "features";

    public override IReadOnlyList<StepParameter> Parameters { get; } =
    [
        new("features", ParameterKind.Strings, "GROUP:FEATURE or GROUP:* (every feature of the group)", Required: true),
        new("entities", ParameterKind.String, "NAME@VERSION or NAME@latest of the entity rows (default: the dataset from the step before)"),
        new("timestamp", ParameterKind.String, "the entity rows' time column (default: their column with role timestamp, else their only datetime column)"),
        new("dataset", ParameterKind.String, $"the dataset the training set is recorded as (default {TrainingSetRequest.DefaultDataset})"),
    ];

    public override bool Cacheable(JsonObject with) => false;

    public override async Task<IReadOnlyList<PipelineArtifact>> InputsAsync(StepContext context, CancellationToken ct) =>
        context.String("entities") is { } entities ? [DatasetArtifact("entities", await ResolveDatasetAsync("entities", entities, ct))] : await Inputs(context.Require("dataset"));

    public override async Task<StepResult> ExecuteAsync(StepContext context, IReadOnlyList<PipelineArtifact> inputs, CancellationToken ct)
    {
        var entities = await DatasetAsync(inputs[0], ct);
        var set = await sets.BuildAsync(new TrainingSetRequest($"{entities.Name}@{entities.Version}", context.Strings("features")!, context.String("timestamp"), context.String("dataset")), ct);
        await context.Log.WriteLineAsync($"training set {set.Version.Name}@{set.Version.Version}: {set.Version.Rows} rows from {entities.Name}@{entities.Version} and {string.Join(", ", set.Groups)}");
        return new StepResult([DatasetArtifact("dataset", set.Version)], $"{set.Version.Name}@{set.Version.Version} ({set.Version.Rows} rows; {string.Join(", ", set.Groups)})");
    }
}
