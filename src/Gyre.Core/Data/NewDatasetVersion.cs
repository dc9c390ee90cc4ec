namespace Gyre.Core.Data;

/// <summary>A version to record: the content is already in the object store under its digest.</summary>
public sealed record NewDatasetVersion(string Digest, DatasetFormat Format, long SizeBytes, DatasetFile File, string? Source);
