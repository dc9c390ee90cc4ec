using System.Text.Json.Nodes;
using Gyre.Core.Auth;

namespace Gyre.Core.Pipelines.Definitions;

/// <summary>
/// A checked pipeline file with its parameters substituted: steps in file order, each with its
/// typed <c>with</c> values; the triggers that start it by themselves and what to do when one
/// fires while a run is going (<see cref="ConcurrencyPolicies"/>).
/// </summary>
public sealed record PipelineDefinition(
    string Name,
    string? Description,
    IReadOnlyDictionary<string, JsonNode?> Params,
    IReadOnlyList<PipelineStep> Steps,
    PipelineTriggers Triggers,
    string Concurrency,
    int MaxParallel)
{
    public const int DefaultMaxParallel = 2;

    public PipelineStep Step(string id) => Steps.First(s => s.Id == id);

    /// <summary>
    /// The scope a caller needs to save or start this pipeline, and a policy's author to have it
    /// started: admin when a step runs a program or reads a file on the server's machine
    /// (<c>command</c> steps, <c>path</c>, <c>suite</c>), write otherwise.
    /// </summary>
    public TokenScope RequiredScope =>
        Steps.Any(s => s.Uses == "command" || s.With.ContainsKey("path") || s.With.ContainsKey("suite")) ? TokenScope.Admin : TokenScope.Write;
}
