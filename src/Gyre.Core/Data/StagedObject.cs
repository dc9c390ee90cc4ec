namespace Gyre.Core.Data;

/// <summary>
/// Content received and hashed but not yet committed: a temporary file that is either moved
/// into the object store under its digest or deleted. Disposing it without committing discards it.
/// </summary>
public interface IStagedObject : IAsyncDisposable
{
    /// <summary><c>sha256:HEX</c> of the content.</summary>
    string Digest { get; }

    long SizeBytes { get; }

    /// <summary>The temporary file, readable until commit or disposal.</summary>
    string Path { get; }

    Task CommitAsync(CancellationToken ct);
}
