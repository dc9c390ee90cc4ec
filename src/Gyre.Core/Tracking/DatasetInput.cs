namespace Gyre.Core.Tracking;

/// <summary>A data set a run read: what it is (name, digest, source) and how it was used (context, e.g. "train").</summary>
public sealed record DatasetInput(string Name, string Digest, string? Source = null, string? Context = null);
