using Gyre.Core.Tracking;

namespace Gyre.Core.Registry;

/// <summary>
/// One version of a registered model, numbered from 1. <paramref name="Source"/> is
/// <c>runs:/RUN_ID/ARTIFACT_PATH</c> when it came from a run's artifact.
/// </summary>
public sealed record ModelVersion(
    string Name,
    long Version,
    string Source,
    RunId? RunId,
    string? ArtifactPath,
    ModelVersionStatus Status,
    string? Description,
    long CreationTime,
    long LastUpdatedTime,
    IReadOnlyList<Tag> Tags,
    IReadOnlyList<string> Aliases);
