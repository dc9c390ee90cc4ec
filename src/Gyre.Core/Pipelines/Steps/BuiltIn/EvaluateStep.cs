using System.Globalization;
using System.Text.Json.Nodes;
using Gyre.Core.Learning.Gate;

namespace Gyre.Core.Pipelines.Steps.BuiltIn;

/// <summary>
/// <c>evaluate</c>: the task's metrics (scikit-learn's definitions) of the model from a step before,
/// on the <c>test</c> part of a split before it, or on <c>dataset</c> (NAME@VERSION) when given.
/// </summary>
internal sealed class EvaluateStep(StepArtifacts artifacts, ModelGate gate) : StepType(artifacts)
{
    public override string Name => "evaluate";

    public override IReadOnlyList<StepParameter> Parameters { get; } =
    [
        new("dataset", ParameterKind.String, "NAME@VERSION to evaluate on instead of the split's test part"),
        new("label", ParameterKind.String, "the label column (default: the model's)"),
    ];

    public override async Task<IReadOnlyList<PipelineArtifact>> InputsAsync(StepContext context, CancellationToken ct)
    {
        var model = context.Require("model");
        if (context.String("dataset") is { } named)
        {
            return [model, DatasetArtifact("test", await ResolveDatasetAsync("dataset", named, ct))];
        }
        return [model, context.Require("test")];
    }

    public override IReadOnlyList<string> Check(JsonObject with) =>
        with["dataset"]?.GetValue<string>() is { } d && !System.Text.RegularExpressions.Regex.IsMatch(d, @"^[^@]+(@\d{1,15})?$")
            ? [$"dataset: expected NAME or NAME@VERSION, got '{d}'"] : [];

    public override async Task<StepResult> ExecuteAsync(StepContext context, IReadOnlyList<PipelineArtifact> inputs, CancellationToken ct)
    {
        var (name, version) = Model(inputs[0]);
        var test = await DatasetAsync(inputs[1], ct);
        var metrics = await gate.MetricsAsync(name, version, test, context.String("label") ?? context.Param("label"), ct);
        var values = new JsonObject();
        foreach (var (metric, value) in metrics)
        {
            values[metric] = JsonNumbers.Of(value);
            await context.Log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{metric} = {value:G6}"));
        }
        var text = values.ToJsonString();
        var artifact = new PipelineArtifact("metrics", ArtifactTypes.Metrics, ArtifactUris.Produced(ArtifactTypes.Metrics, context.RunKey, context.Step.Id),
            Digests.Of(text), new JsonObject { ["model"] = inputs[0].Uri, ["dataset"] = inputs[1].Uri, ["metrics"] = values });
        return new StepResult([artifact], string.Join(", ", metrics.Take(3).Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:0.####}"))));
    }

    public override Task<bool> OutputsExistAsync(IReadOnlyList<PipelineArtifact> outputs, CancellationToken ct) => Task.FromResult(true);

    public override JsonObject Implicit(StepContext context) => Label(context);
}
