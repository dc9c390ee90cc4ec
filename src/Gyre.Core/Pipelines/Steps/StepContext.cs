using System.Globalization;
using System.Text.Json.Nodes;
using Gyre.Core.Errors;
using Gyre.Core.Pipelines.Definitions;

namespace Gyre.Core.Pipelines.Steps;

/// <summary>
/// What a step sees while it runs: its run, its typed <c>with</c> values, the artifacts made by
/// the steps it needs (directly or not; the nearest first), the folder relative paths start from,
/// its log, and what started the run.
/// </summary>
public sealed class StepContext(
    long runId, string pipeline, PipelineStep step, IReadOnlyDictionary<string, JsonNode?> parameters,
    IReadOnlyList<PipelineArtifact> available, string? directory, TextWriter log, Runs.RunTrigger? trigger = null)
{
    public long RunId { get; } = runId;

    /// <summary>What started the run, with its evidence (a drift alarm's window, say).</summary>
    public Runs.RunTrigger? Trigger { get; } = trigger;

    public string Pipeline { get; } = pipeline;

    public PipelineStep Step { get; } = step;

    public IReadOnlyDictionary<string, JsonNode?> Parameters { get; } = parameters;

    /// <summary>Outputs of the steps this one needs, transitively; the nearest step's first.</summary>
    public IReadOnlyList<PipelineArtifact> Available { get; } = available;

    /// <summary>The pipeline file's folder on the server's machine, when the file came with one.</summary>
    public string? Directory { get; } = directory;

    public TextWriter Log { get; } = log;

    public string RunKey => RunId.ToString(CultureInfo.InvariantCulture);

    public PipelineArtifact? Find(string role) => Available.FirstOrDefault(a => a.Role == role);

    /// <summary>The nearest artifact with one of <paramref name="roles"/>, tried in order, or a clear error naming what the step needs.</summary>
    public PipelineArtifact Require(params string[] roles)
    {
        foreach (var role in roles)
        {
            if (Find(role) is { } found)
            {
                return found;
            }
        }
        throw GyreException.Invalid($"steps.{Step.Id}: '{Step.Uses}' needs a step before it that makes {string.Join(" or ", roles.Select(r => $"'{r}'"))}; add one to its needs");
    }

    public string? String(string name) => With[name]?.GetValue<string>();

    public double? Number(string name) => With[name]?.GetValue<double>();

    public long? Integer(string name) => With[name]?.GetValue<long>();

    public bool? Boolean(string name) => With[name]?.GetValue<bool>();

    public IReadOnlyList<string>? Strings(string name) => With[name] is JsonArray a ? [.. a.Select(n => n!.GetValue<string>())] : null;

    public IReadOnlyList<double>? Numbers(string name) => With[name] is JsonArray a ? [.. a.Select(n => n!.GetValue<double>())] : null;

    public IReadOnlyDictionary<string, double>? NumberMap(string name) =>
        With[name] is JsonObject o ? o.ToDictionary(p => p.Key, p => p.Value!.GetValue<double>(), StringComparer.Ordinal) : null;

    public IReadOnlyDictionary<string, string>? StringMap(string name) =>
        With[name] is JsonObject o ? o.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal) : null;

    /// <summary>A path from the file, made absolute against the pipeline's folder (or the working folder).</summary>
    public string FullPath(string path) => Path.GetFullPath(path, Directory ?? Environment.CurrentDirectory);

    /// <summary>A pipeline parameter's value as text, when declared (steps use <c>label</c> this way).</summary>
    public string? Param(string name) => Parameters.TryGetValue(name, out var v) && v is JsonValue value
        ? value.TryGetValue<string>(out var s) ? s : value.ToJsonString()
        : null;

    private JsonObject With => Step.With;
}
