using System.Text.Json.Nodes;
using Gyre.Core.Features.Online;

namespace Gyre.Core.Pipelines.Steps.BuiltIn;

/// <summary>
/// <c>materialize</c>: brings the online store of each group in <c>groups</c> up to date with its
/// offline store (only the parts ingested since the last time are read). A pipeline of this one step
/// with a <c>schedule</c> trigger keeps the online store fresh; one placed after a <c>features</c>
/// step keeps it in step with the training. Never cached: the groups gain rows between runs.
/// </summary>
internal sealed class MaterializeStep(StepArtifacts artifacts, OnlineMaterialization materialization) : StepType(artifacts)
{
    public override string Name => "materialize";

    public override IReadOnlyList<StepParameter> Parameters { get; } =
    [
        new("groups", ParameterKind.Strings, "the feature groups whose online stores to bring up to date", Required: true),
    ];

    public override bool Cacheable(JsonObject with) => false;

    public override Task<IReadOnlyList<PipelineArtifact>> InputsAsync(StepContext context, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<PipelineArtifact>>([]);

    public override async Task<StepResult> ExecuteAsync(StepContext context, IReadOnlyList<PipelineArtifact> inputs, CancellationToken ct)
    {
        var done = new List<string>();
        foreach (var group in context.Strings("groups")!)
        {
            var result = await materialization.MaterializeAsync(group, ct);
            var line = result.UpToDate
                ? $"{group}: up to date"
                : $"{group}: {result.PartsRead} parts, {result.Rows} rows, {result.Updated} entities changed, {result.LateRows} late rows; {result.Group.Materialized!.Entities} entities online";
            await context.Log.WriteLineAsync(line);
            done.Add(line);
        }
        return new StepResult([], string.Join("; ", done));
    }
}
