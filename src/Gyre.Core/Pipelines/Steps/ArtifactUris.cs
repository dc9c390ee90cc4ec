using System.Globalization;

namespace Gyre.Core.Pipelines.Steps;

/// <summary>
/// How artifacts are named: <c>dataset:NAME@VERSION</c>, <c>model:NAME/VERSION</c>,
/// <c>file:PATH#sha256:HEX</c>, <c>rollout:ENDPOINT/ID</c>; reports and metrics are named by the step
/// execution that made them, <c>TYPE:RUN/STEP</c>.
/// </summary>
public static class ArtifactUris
{
    public static string Dataset(string name, long version) => string.Create(CultureInfo.InvariantCulture, $"dataset:{name}@{version}");

    public static string Model(string name, long version) => string.Create(CultureInfo.InvariantCulture, $"model:{name}/{version}");

    /// <summary>A file's content at a path: the same path with other content is another artifact, so lineage never mixes two runs' outputs.</summary>
    public static string File(string fullPath, string digest) => $"file:{fullPath}#{digest}";

    /// <summary>The path of a <c>file:</c> URI.</summary>
    public static string FilePath(string uri) => uri["file:".Length..(uri.LastIndexOf('#') is > 0 and var hash ? hash : uri.Length)];

    public static string Rollout(string endpoint, long id) => string.Create(CultureInfo.InvariantCulture, $"rollout:{endpoint}/{id}");

    public static string Produced(string type, string runId, string stepId) => $"{type}:{runId}/{stepId}";

    /// <summary>Reads <c>dataset:NAME@VERSION</c> back.</summary>
    public static (string Name, long Version)? ParseDataset(string uri) => Split(uri, "dataset:", '@');

    /// <summary>Reads <c>model:NAME/VERSION</c> back.</summary>
    public static (string Name, long Version)? ParseModel(string uri) => Split(uri, "model:", '/');

    private static (string, long)? Split(string uri, string prefix, char separator)
    {
        if (!uri.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var at = uri.LastIndexOf(separator);
        return at > prefix.Length && long.TryParse(uri.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? (uri[prefix.Length..at], v)
            : null;
    }
}
