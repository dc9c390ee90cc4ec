namespace Gyre.Core.Artifacts;

/// <summary>One entry of an artifact listing: a file with its size, or a directory.</summary>
public sealed record ArtifactInfo(string Path, bool IsDir, long? FileSize);
