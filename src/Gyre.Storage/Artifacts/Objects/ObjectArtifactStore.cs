using System.Globalization;
using System.Runtime.CompilerServices;
using Gyre.Core.Artifacts;
using Gyre.Core.Errors;
using Gyre.Storage.Data;

namespace Gyre.Storage.Artifacts.Objects;

/// <summary>
/// Artifacts as objects in a bucket, under a key prefix: the key of a file is the prefix, the
/// root's segments and the path's segments joined by '/', all checked by <see cref="ArtifactPath"/>,
/// so no key is built from anything else and a path the filesystem store refuses is refused here
/// the same way. A file and a directory of the same name cannot both exist, as on a disk. Every
/// object carries the SHA-256 of its content, checked as it is read back. The bucket is shared with
/// the dataset files' store; whoever opened it disposes it.
/// </summary>
internal sealed class ObjectArtifactStore(ObjectBucket bucket, string prefix) : IArtifactStore, IDirectUploads
{
    /// <summary>How long a direct upload's URLs stay valid: long enough for a large file over a slow link.</summary>
    private static readonly TimeSpan DirectUploadLifetime = TimeSpan.FromHours(6);

    /// <summary>The smallest part of a direct upload; larger files get larger parts, for at most 10,000 (S3's limit).</summary>
    private const long MinimumPartSize = 8 << 20;

    private const int MaximumParts = 10_000;

    /// <summary>The folder of staged direct uploads under the prefix; artifact roots are ids, never this name.</summary>
    public const string UploadsFolder = "uploads/";

    private static readonly ArtifactPath Top = ArtifactPath.Parse("", allowEmpty: true);

    private readonly string _prefix = prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";

    public Task<ArtifactInfo> WriteAsync(string root, ArtifactPath path, Stream content, long maxBytes, CancellationToken ct) => bucket.GuardAsync(async () =>
    {
        var key = await PlaceAsync(root, path, ct);
        await using var digesting = new DigestingStream(content, maxBytes);
        await bucket.PutAsync(key, digesting, ct);
        return new ArtifactInfo(path.Value, false, digesting.BytesRead);
    });

    /// <summary>The key of a file about to be written, once no directory has its name and no file the name of a directory above it.</summary>
    private async Task<string> PlaceAsync(string root, ArtifactPath path, CancellationToken ct)
    {
        var key = Key(root, path);
        if (await bucket.AnyUnderAsync(key + "/", ct))
        {
            throw GyreException.Conflict($"path: '{path}' is a directory");
        }
        var rootKey = Key(root, Top);
        for (var parent = ParentOf(key); parent is not null && parent.Length > rootKey.Length; parent = ParentOf(parent))
        {
            if (await bucket.ExistsAsync(parent, ct))
            {
                throw GyreException.Conflict($"path: a parent of '{path}' is a file, not a directory");
            }
        }
        return key;
    }

    public Task<DirectUpload> BeginAsync(long size, CancellationToken ct) => bucket.GuardAsync(async () =>
    {
        const long Mebibyte = 1 << 20;
        var perPart = (size + MaximumParts - 1) / MaximumParts;
        var partSize = Math.Max(MinimumPartSize, (perPart + Mebibyte - 1) / Mebibyte * Mebibyte);
        var parts = size == 0 ? 1 : (int)((size + partSize - 1) / partSize);
        var staging = Guid.NewGuid().ToString("N");
        var expires = DateTimeOffset.UtcNow + DirectUploadLifetime;
        var (id, urls) = await bucket.BeginDirectAsync(StagedKey(staging), parts, expires, ct);
        // The id names the staged object too, so that completing needs nothing the server kept.
        return new DirectUpload($"{staging}.{id}", partSize,
            [.. urls.Select((url, i) => new UploadPartTarget(i + 1, i * partSize, Math.Min(partSize, size - i * partSize), url))], expires);
    });

    public Task<Stream> OpenCompletedAsync(string uploadId, IReadOnlyList<UploadedPart> parts, string sha256, long maxBytes, CancellationToken ct) =>
        bucket.GuardAsync<Stream>(async () =>
        {
            var (key, id) = Staged(uploadId);
            await bucket.CommitDirectAsync(key, id, parts, ct);
            var content = await bucket.OpenAsync(key, 0, ct) ?? throw GyreException.NotFound($"upload_id: nothing was committed for '{uploadId}'");
            return new StagedContent(bucket, key, content, sha256, maxBytes);
        });

    public Task AbortAsync(string uploadId, CancellationToken ct) => bucket.GuardAsync(async () =>
    {
        var (key, id) = Staged(uploadId);
        await bucket.AbortDirectAsync(key, id, ct);
        return true;
    });

    /// <summary>Where a direct upload's parts go: <c>PREFIX/uploads/ID</c>, beside the artifacts' roots; gc removes one a crash leaves.</summary>
    private string StagedKey(string staging) => $"{_prefix}{UploadsFolder}{staging}";

    /// <summary>The staged key and the store's own upload id in an upload id this store gave (<c>STAGING.STOREID</c>).</summary>
    private (string Key, string StoreId) Staged(string uploadId)
    {
        var dot = uploadId.IndexOf('.', StringComparison.Ordinal);
        return dot == 32 && uploadId[..dot].All(char.IsAsciiHexDigitLower) && dot < uploadId.Length - 1
            ? (StagedKey(uploadId[..dot]), uploadId[(dot + 1)..])
            : throw GyreException.Invalid($"upload_id: '{uploadId}' is not an id this server gave");
    }

    public Task<Stream> OpenReadAsync(string root, ArtifactPath path, CancellationToken ct) => bucket.GuardAsync(async () =>
    {
        var stored = await bucket.GetAsync(Key(root, path), ct) ?? throw GyreException.NotFound($"artifact '{path}' does not exist");
        return stored.Digest is null ? stored.Content : new VerifyingStream(stored.Content, stored.Digest, stored.Length, $"artifact '{path}'", bucket.IsCorruption);
    });

    public Task<ArtifactDownload> OpenDownloadAsync(string root, ArtifactPath path, CancellationToken ct) => bucket.GuardAsync(async () =>
    {
        var key = Key(root, path);
        var head = await bucket.HeadAsync(key, ct) ?? throw GyreException.NotFound($"artifact '{path}' does not exist");
        // The digest names the content wherever it is stored; an object another tool wrote has its size and write time.
        var etag = head.Digest ?? string.Create(CultureInfo.InvariantCulture, $"{head.Length:x}-{head.LastModified.UtcTicks:x}");
        return new ArtifactDownload(new RangedObjectStream(bucket, key, head, $"artifact '{path}'"), head.Length, $"\"{etag}\"", head.LastModified);
    });

    public async IAsyncEnumerable<StoredArtifact> ListAllAsync(string? root, [EnumeratorCancellation] CancellationToken ct)
    {
        var under = root is null ? _prefix : Key(root, Top) + "/";
        var datasets = _prefix + ObjectDatasetStore.Folder;
        await using var entries = bucket.ListAllAsync(under, ct).GetAsyncEnumerator(ct);
        while (await bucket.GuardAsync(async () => await entries.MoveNextAsync()))
        {
            if (!entries.Current.Key.StartsWith(datasets, StringComparison.Ordinal))
            {
                yield return new StoredArtifact(entries.Current.Key[_prefix.Length..], entries.Current.Size, entries.Current.LastModified);
            }
        }
    }

    public Task<IReadOnlyList<ArtifactInfo>> ListAsync(string root, ArtifactPath path, CancellationToken ct) => bucket.GuardAsync<IReadOnlyList<ArtifactInfo>>(async () =>
    {
        var key = Key(root, path);
        if (path.Value.Length > 0 && await bucket.ExistsAsync(key, ct))
        {
            throw GyreException.Invalid($"path: '{path}' is a file, not a directory");
        }
        var listed = key + "/";
        var listing = await bucket.ListAsync(listed, ct);
        var shown = path.Value.Length == 0 ? "" : path.Value + "/";
        return listing.Objects.Select(o => new ArtifactInfo(shown + o.Key[listed.Length..], false, o.Size))
            .Concat(listing.Prefixes.Select(p => new ArtifactInfo(shown + p[listed.Length..^1], true, null)))
            .OrderBy(a => a.Path, StringComparer.Ordinal)
            .ToList();
    });

    public Task<bool> ExistsAsync(string root, ArtifactPath path, CancellationToken ct) => bucket.GuardAsync(async () =>
    {
        var key = Key(root, path);
        return await bucket.ExistsAsync(key, ct) || await bucket.AnyUnderAsync(key + "/", ct);
    });

    public Task DeleteAsync(string root, ArtifactPath path, CancellationToken ct) => bucket.GuardAsync(async () =>
    {
        await bucket.DeleteAsync(Key(root, path), ct);
        return true;
    });

    public Task DeleteRootAsync(string root, CancellationToken ct) => bucket.GuardAsync(async () =>
    {
        await bucket.DeleteUnderAsync(Key(root, Top) + "/", ct);
        return true;
    });

    /// <summary>The key of a path under a root (with no trailing '/' for the root itself).</summary>
    private string Key(string root, ArtifactPath path) =>
        _prefix + string.Join('/', ArtifactPath.Parse(root, "root").Segments.Concat(path.Segments));

    private static string? ParentOf(string key) => key.LastIndexOf('/') is var slash and > 0 ? key[..slash] : null;
}
