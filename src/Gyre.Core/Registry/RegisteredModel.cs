using Gyre.Core.Tracking;

namespace Gyre.Core.Registry;

/// <summary>A named model with numbered versions and aliases that point at them.</summary>
public sealed record RegisteredModel(
    string Name,
    string? Description,
    long CreationTime,
    long LastUpdatedTime,
    IReadOnlyList<Tag> Tags,
    IReadOnlyList<ModelAlias> Aliases,
    long? LatestVersion);
