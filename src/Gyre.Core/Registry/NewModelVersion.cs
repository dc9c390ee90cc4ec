using Gyre.Core.Tracking;

namespace Gyre.Core.Registry;

/// <summary>A version to register from an artifact of a run.</summary>
public sealed record NewModelVersion(RunId RunId, string ArtifactPath, string? Description = null, IReadOnlyList<Tag>? Tags = null);
