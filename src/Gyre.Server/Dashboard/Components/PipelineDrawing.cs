using Gyre.Core.Pipelines.Definitions;
using Gyre.Core.Pipelines.Runs;
using Gyre.Server.Dashboard.Charts;

namespace Gyre.Server.Dashboard.Components;

/// <summary>A pipeline's steps as a graph; with a run, each step shows its state and links to its log.</summary>
internal static class PipelineDrawing
{
    public static (IReadOnlyList<GraphNode> Nodes, IReadOnlyList<(string, string)> Edges) Build(PipelineDefinition definition, PipelineRun? run)
    {
        var nodes = definition.Steps.Select(step =>
        {
            var state = run?.Steps.FirstOrDefault(s => s.Id == step.Id);
            var detail = state is { StartTime: long start, EndTime: long end } ? $"{step.Uses} · {Fmt.Duration(end - start)}" : step.Uses;
            return new GraphNode(step.Id, step.Id, detail, "step", run is null ? null : $"pipelines/runs/{run.Id}?step={Uri.EscapeDataString(step.Id)}#log", state?.State);
        }).ToList();
        var edges = definition.Steps.SelectMany(step => step.Needs.Select(need => (need, step.Id))).ToList();
        return (nodes, edges);
    }

    public static string Trigger(RunTrigger trigger) => trigger.Detail is null ? trigger.Type : $"{trigger.Type}: {trigger.Detail}";
}
