using System.Text.Json.Nodes;

namespace Gyre.Core.Pipelines.Definitions;

/// <summary>
/// One step: what it <c>Uses</c> (a step type), the steps it <c>Needs</c> first, its typed
/// <c>With</c> values, and how it is run — retries with a doubling delay, a timeout per attempt,
/// and whether its outputs may come from the cache.
/// </summary>
public sealed record PipelineStep(
    string Id,
    string Uses,
    IReadOnlyList<string> Needs,
    JsonObject With,
    int Retries,
    double RetryDelaySeconds,
    double? TimeoutSeconds,
    bool Cache,
    int Line)
{
    public const double DefaultRetryDelaySeconds = 1;

    public const int MaxRetries = 10;
}
