using System.Reflection;
using System.Text.Json.Nodes;
using Gyre.Core.Pipelines.Definitions;
using Gyre.Core.Pipelines.Steps;

namespace Gyre.Core.Pipelines.Runs;

/// <summary>
/// A step's cache key, as DVC's lock entries: the digest of its type and code version, its
/// parameters (keys sorted), the values it takes from the pipeline (its label, its name) and the digests of the artifacts it reads. Paths and names of inputs
/// do not matter, their content does.
/// </summary>
public static class StepCacheKey
{
    public static readonly string GyreVersion =
        typeof(StepCacheKey).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    public static string Of(PipelineStep step, IStepType type, JsonObject @implicit, IReadOnlyList<PipelineArtifact> inputs)
    {
        var key = new JsonObject
        {
            ["uses"] = step.Uses,
            ["code"] = $"{type.CodeVersion}@{GyreVersion}",
            ["with"] = Sorted(step.With),
            ["implicit"] = Sorted(@implicit),
            ["inputs"] = new JsonArray([.. inputs.Select(i => $"{i.Role}={i.Type}:{i.Digest}").Order(StringComparer.Ordinal).Select(s => (JsonNode)s)]),
        };
        return Digests.Of(key.ToJsonString());
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        _ => node?.DeepClone(),
    };
}
