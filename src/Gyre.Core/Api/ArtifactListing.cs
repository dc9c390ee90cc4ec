using Gyre.Core.Artifacts;

namespace Gyre.Core.Api;

/// <summary>The answer of an artifact listing: the run's artifact URI and the entries of one directory.</summary>
public sealed record ArtifactListing(string RootUri, IReadOnlyList<ArtifactInfo> Files);
