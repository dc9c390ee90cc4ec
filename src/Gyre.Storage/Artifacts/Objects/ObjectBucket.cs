using Gyre.Core.Errors;

namespace Gyre.Storage.Artifacts.Objects;

/// <summary>
/// The few operations Gyre's artifact store needs from an object store (an S3 bucket, an Azure Blob
/// container), each through the store's official SDK. Keys are '/'-separated; a "directory" is a
/// key prefix ending in '/', as both stores' delimiter listings treat it.
/// </summary>
internal abstract class ObjectBucket : IDisposable
{
    /// <summary>The header (S3) or blob metadata (Azure) key that holds an object's SHA-256.</summary>
    public const string DigestKey = "sha256";

    /// <summary>The bucket as a URL for messages, without credentials: <c>s3://bucket</c>, <c>azblob://container</c>.</summary>
    public abstract string Location { get; }

    /// <summary>Creates the bucket or container when it is missing; fails with one line naming it when that is not allowed.</summary>
    public abstract Task EnsureExistsAsync(CancellationToken ct);

    /// <summary>Writes <paramref name="content"/>, read to its end, to <paramref name="key"/> with its digest, all or nothing.</summary>
    public abstract Task PutAsync(string key, DigestingStream content, CancellationToken ct);

    /// <summary>The object at a key with its recorded digest (null when another tool wrote it), or null when there is none.</summary>
    public abstract Task<StoredObject?> GetAsync(string key, CancellationToken ct);

    /// <summary>The object at a key without its content (size, write time, recorded digest), or null when there is none.</summary>
    public abstract Task<ObjectHead?> HeadAsync(string key, CancellationToken ct);

    /// <summary>
    /// The object's content from <paramref name="offset"/> to its end (a ranged read), or null when
    /// there is none, or (with <paramref name="ifMatch"/>, an <see cref="ObjectHead.Version"/>) when it is another version now.
    /// </summary>
    public abstract Task<Stream?> OpenAsync(string key, long offset, CancellationToken ct, string? ifMatch = null);

    public async Task<bool> ExistsAsync(string key, CancellationToken ct) => await HeadAsync(key, ct) is not null;

    /// <summary>The direct children of a prefix (ending in '/', or empty): objects with their sizes, and sub-prefixes.</summary>
    public abstract Task<ObjectListing> ListAsync(string prefix, CancellationToken ct);

    /// <summary>Every object whose key starts with <paramref name="prefix"/>, at any depth, page by page.</summary>
    public abstract IAsyncEnumerable<ObjectEntry> ListAllAsync(string prefix, CancellationToken ct);

    /// <summary>Deletes the object at a key, if there is one.</summary>
    public abstract Task DeleteAsync(string key, CancellationToken ct);

    /// <summary>Whether any object's key starts with <paramref name="prefix"/>.</summary>
    public abstract Task<bool> AnyUnderAsync(string prefix, CancellationToken ct);

    /// <summary>Deletes every object whose key starts with <paramref name="prefix"/>.</summary>
    public virtual async Task DeleteUnderAsync(string prefix, CancellationToken ct)
    {
        // Collected first: deleting while a listing pages through the same keys can skip some.
        var keys = new List<string>();
        await foreach (var entry in ListAllAsync(prefix, ct))
        {
            keys.Add(entry.Key);
        }
        foreach (var key in keys)
        {
            await DeleteAsync(key, ct);
        }
    }

    /// <summary>Begins an upload whose parts the client sends itself: the store's id for it, and a pre-signed URL for each part (numbered from 1) valid until <paramref name="expires"/>.</summary>
    public abstract Task<(string UploadId, IReadOnlyList<string> Urls)> BeginDirectAsync(string key, int parts, DateTimeOffset expires, CancellationToken ct);

    /// <summary>Commits the parts the client sent into the object at <paramref name="key"/>.</summary>
    public abstract Task CommitDirectAsync(string key, string uploadId, IReadOnlyList<Core.Artifacts.UploadedPart> parts, CancellationToken ct);

    /// <summary>Gives up a direct upload's parts (best effort: a store's own expiry takes what is left).</summary>
    public abstract Task AbortDirectAsync(string key, string uploadId, CancellationToken ct);

    /// <summary>A failure that says the store is out of reach or refusing for now (a 503 naming it), or null for any other.</summary>
    public abstract GyreException? Unavailable(Exception e);

    /// <summary>Runs calls on the bucket; the store out of reach is a 503 that names it.</summary>
    public async Task<T> GuardAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception e) when (e is not GyreException && Unavailable(e) is { } error)
        {
            throw error;
        }
    }

    /// <summary>The cause's first line, which says more than the SDK's wrappers around it.</summary>
    protected string Describe(Exception e)
    {
        while (!IsCause(e) && e.InnerException is { } inner)
        {
            e = inner;
        }
        return e.Message.Split('\n')[0].TrimEnd('.');
    }

    /// <summary>Whether an exception says what went wrong, though it wraps another (the innermost one does anyway).</summary>
    protected virtual bool IsCause(Exception e) => false;

    /// <summary>A part's bytes as a stream for an SDK call, without copying them.</summary>
    protected static MemoryStream Bytes(ArraySegment<byte> part) => new(part.Array!, part.Offset, part.Count, writable: false);

    /// <summary>Whether a failure while reading an object is the SDK finding its bytes changed.</summary>
    public virtual bool IsCorruption(Exception e) => false;

    public abstract void Dispose();
}

/// <summary>An object opened for reading: its content, its size, and the SHA-256 recorded when it was written (null when unknown).</summary>
internal sealed record StoredObject(Stream Content, long Length, string? Digest);

/// <summary>An object's size, write time, the SHA-256 recorded when it was written (null when unknown), and the store's ETag of this version.</summary>
internal sealed record ObjectHead(long Length, DateTimeOffset LastModified, string? Digest, string Version);

/// <summary>One object of a deep listing: its full key, size and write time.</summary>
internal sealed record ObjectEntry(string Key, long Size, DateTimeOffset LastModified);

/// <summary>A delimiter listing: the objects directly under a prefix (full keys and sizes) and the sub-prefixes (full, each ending in '/').</summary>
internal sealed record ObjectListing(IReadOnlyList<(string Key, long Size)> Objects, IReadOnlyList<string> Prefixes);
