namespace Gyre.Core.Artifacts;

/// <summary>
/// A file opened for a download: a seekable stream (a store that is remote fetches a range only
/// when it is read, so a ranged request reads only its range), the file's length, an entity tag
/// that changes when its content does, and when it was written.
/// </summary>
public sealed record ArtifactDownload(Stream Content, long Length, string ETag, DateTimeOffset LastModified);

/// <summary>One file anywhere in an artifact store: its key (root and path, '/'-separated), size and write time.</summary>
public sealed record StoredArtifact(string Key, long Size, DateTimeOffset LastModified)
{
    /// <summary>The key as the store's methods take it: its first segment as the root, the rest as the path.</summary>
    public (string Root, ArtifactPath Path) Place()
    {
        var slash = Key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? throw Errors.GyreException.Invalid($"artifacts: '{Key}' is outside every root") : (Key[..slash], ArtifactPath.Parse(Key[(slash + 1)..]));
    }
}
