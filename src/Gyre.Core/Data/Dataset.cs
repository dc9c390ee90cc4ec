namespace Gyre.Core.Data;

/// <summary>A named dataset with its versions.</summary>
public sealed record Dataset(string Name, long CreationTime, long? LatestVersion, string? LatestDigest);
