using System.Globalization;
using System.Text.Json.Nodes;
using Gyre.Core.Data.Splits;

namespace Gyre.Core.Pipelines.Steps.BuiltIn;

/// <summary>
/// <c>split</c>: the dataset from the step before into <c>train</c> and <c>test</c> parts, with the
/// data feature's deterministic splits (the same content and spec give the same parts). A
/// stratified split takes the pipeline's <c>label</c> parameter when the step names none.
/// </summary>
internal sealed class SplitStep(StepArtifacts artifacts, DatasetSplitting splitting) : StepType(artifacts)
{
    public override string Name => "split";

    public override IReadOnlyList<StepParameter> Parameters { get; } =
    [
        new("method", ParameterKind.String, $"one of {string.Join(", ", SplitMethods.All)} (default random)"),
        new("test", ParameterKind.Number, "the test fraction, between 0 and 1 (default 0.2)"),
        new("seed", ParameterKind.Integer, "the seed of a random or stratified split"),
        new("key", ParameterKind.String, "the key column of a hash split"),
        new("label", ParameterKind.String, "the label column of a stratified split"),
        new("time_column", ParameterKind.String, "the time column of a time split"),
        new("at", ParameterKind.String, "a time split's boundary: rows before it train"),
    ];

    public override IReadOnlyList<string> Check(JsonObject with) =>
        with["test"]?.GetValue<double>() is { } test && test is <= 0 or >= 1 ? [string.Create(CultureInfo.InvariantCulture, $"test: expected a fraction between 0 and 1, got {test}")] : [];

    public override Task<IReadOnlyList<PipelineArtifact>> InputsAsync(StepContext context, CancellationToken ct) => Inputs(context.Require("dataset"));

    public override async Task<StepResult> ExecuteAsync(StepContext context, IReadOnlyList<PipelineArtifact> inputs, CancellationToken ct)
    {
        var source = await DatasetAsync(inputs[0], ct);
        var method = context.String("method") ?? SplitMethods.Random;
        var label = context.String("label") ?? (method == SplitMethods.Stratified ? context.Param("label") : null);
        var spec = new SplitSpec(method, context.Number("test") ?? (method == SplitMethods.Time && context.String("at") is not null ? null : 0.2), context.Integer("seed"), label, context.String("key"), context.String("time_column"), context.String("at"));
        var (split, created) = await splitting.SplitAsync(source.Name, source.Version, spec, ct);
        await context.Log.WriteLineAsync($"split {split.Id} of {source.Name}@{source.Version} {(created ? "made" : "found")}");
        var outputs = new List<PipelineArtifact>();
        foreach (var part in split.Parts)
        {
            outputs.Add(DatasetArtifact(part.Part, await Datasets.GetVersionAsync(part.Dataset, part.Version, ct)));
            await context.Log.WriteLineAsync($"{part.Part}: {part.Dataset}@{part.Version}, {part.Rows} rows");
        }
        return new StepResult(outputs, string.Join(", ", split.Parts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Part} {p.Rows} rows"))));
    }

    public override JsonObject Implicit(StepContext context) => Label(context);
}
