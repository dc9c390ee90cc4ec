namespace Gyre.Core.Artifacts;

/// <summary>
/// A file opened for a download: a seekable stream (a store that is remote fetches a range only
/// when it is read, so a ranged request reads only its range), the file's length, an entity tag
/// that changes when its content does, and when it was written.
/// </summary>
public sealed record ArtifactDownload(Stream Content, long Length, string ETag, DateTimeOffset LastModified);

/// <summary>One file anywhere in an artifact store: its key (root and path, '/'-separated), size and write time.</summary>
public sealed record StoredArtifact(string Key, long Size, DateTimeOffset LastModified);
