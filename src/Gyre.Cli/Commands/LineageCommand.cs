using System.CommandLine;
using Gyre.Core.Pipelines.Lineage;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre lineage ARTIFACT [--downstream]</c>: where a model came from, or what was made from a dataset.</summary>
internal static class LineageCommand
{
    public static Command Build()
    {
        var artifact = new Argument<string>("artifact")
        {
            Description = "model:NAME/VERSION, dataset:NAME@VERSION or file:PATH; NAME/VERSION and NAME@VERSION are read as a model and a dataset",
        };
        var downstream = new Option<bool>("--downstream") { Description = "What was made from it (and which endpoints serve those models), instead of where it came from" };
        var command = new Command("lineage", "Trace an artifact through the pipeline runs that read and made it") { artifact, downstream };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var graph = await client.Pipelines.LineageAsync(Uri(parse.GetValue(artifact)!),
                parse.GetValue(downstream) ? LineageService.Downstream : LineageService.Upstream, ct);
            if (printer.IsJson)
            {
                printer.Done("", graph);
                return;
            }
            var artifacts = graph.Artifacts.ToDictionary(a => a.Id);
            string Names(LineageExecution execution, string kind) =>
                string.Join(", ", graph.Events.Where(e => e.ExecutionId == execution.Id && e.Kind == kind).Select(e => $"{e.Role}={artifacts[e.ArtifactId].Uri}").Order(StringComparer.Ordinal));
            Console.Out.WriteLine($"{graph.Direction} of {graph.Root}:");
            // A pipeline run again with nothing changed serves its steps from the cache: the same step,
            // reading and making the same artifacts, is shown once, with the runs that repeated it.
            foreach (var same in graph.Executions.GroupBy(e => (e.Pipeline, e.Step, e.CodeVersion, Names(e, LineageEvent.Input), Names(e, LineageEvent.Output))))
            {
                var execution = same.FirstOrDefault(e => e.State != "cached") ?? same.First();
                Console.Out.WriteLine(execution.TrackingRun is { } tracked
                    ? $"  tracking run {tracked} '{execution.Step}' ({execution.Type}, {execution.State})"
                    : $"  run {execution.RunId} {execution.Pipeline}/{execution.Step} ({execution.Type}, {execution.State}, {execution.CodeVersion})");
                Console.Out.WriteLine($"      read: {Names(execution, LineageEvent.Input)}");
                Console.Out.WriteLine($"      made: {Names(execution, LineageEvent.Output)}");
                if (same.Count() > 1)
                {
                    Console.Out.WriteLine($"      again in run(s) {string.Join(", ", same.Where(e => e != execution).Select(e => e.RunId).Order())}, from the cache");
                }
            }
            Console.Out.WriteLine($"pipeline runs: {string.Join(", ", graph.Runs)}");
            Console.Out.WriteLine($"datasets: {string.Join(", ", graph.Datasets)}");
            Console.Out.WriteLine($"models: {string.Join(", ", graph.Models)}");
            if (graph.Direction == LineageService.Downstream)
            {
                Console.Out.WriteLine($"deployed: {(graph.Deployed.Count == 0 ? "none" : string.Join(", ", graph.Deployed.Select(d => $"{d.Model} on {d.Endpoint} ({d.Weight}%)")))}");
            }
        });
        return command;
    }

    private static string Uri(string text) =>
        text.Contains(':', StringComparison.Ordinal) ? text
        : text.Contains('@', StringComparison.Ordinal) ? "dataset:" + text
        : "model:" + text;
}
