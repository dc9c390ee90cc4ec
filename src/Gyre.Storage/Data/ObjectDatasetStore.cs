using System.Runtime.CompilerServices;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Storage.Artifacts.Objects;

namespace Gyre.Storage.Data;

/// <summary>
/// Dataset files in an object store, content-addressed as on disk (<c>PREFIX/datasets/AB/ABCDEF….csv</c>,
/// one object per SHA-256, shared by every version that holds it), read through a local cache
/// because DuckDB reads files (its httpfs extension cannot be installed here). An upload goes to
/// the store before its version is recorded, so no version ever names missing content; a read
/// fetches the content into the cache, checking on the way that it hashes to its name, and the
/// cache keeps at most <c>--cache-size</c> bytes, letting go of the files read least recently.
/// </summary>
internal sealed class ObjectDatasetStore(ObjectBucket bucket, string prefix, DatasetObjectStore cache, long cacheBytes) : IDatasetObjectStore
{
    /// <summary>The folder of dataset files under the store's prefix, beside the artifacts' roots (which are ids, never this name).</summary>
    public const string Folder = "datasets/";

    private readonly string _prefix = (prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/") + Folder;
    private readonly Lock _eviction = new();

    public async Task<IStagedObject> StageAsync(Stream content, DatasetFormat format, long maxBytes, CancellationToken ct)
    {
        var staged = (DatasetObjectStore.Staged)await cache.StageAsync(content, format, maxBytes, ct);
        return staged.Before(UploadAsync);
    }

    /// <summary>
    /// Puts staged content in the store. The same content has one key, so it is stored once; it is
    /// written again when added again all the same, because its write time is what keeps a deletion
    /// (of a dataset that held it, on any server) from taking it within the grace period.
    /// </summary>
    private async Task UploadAsync(DatasetObjectStore.Staged staged, CancellationToken ct)
    {
        var key = Key(staged.Digest, staged.Format);
        await bucket.GuardAsync(async () =>
        {
            await using var file = File.OpenRead(staged.Path);
            await using var digesting = new DigestingStream(file, long.MaxValue);
            await bucket.PutAsync(key, digesting, ct);
            return true;
        });
        Evict(staged.SizeBytes);
    }

    public async Task<string> LocalPathAsync(string digest, DatasetFormat format, CancellationToken ct)
    {
        if (cache.Find(digest, format) is { } cached)
        {
            File.SetLastAccessTimeUtc(cached, DateTime.UtcNow);
            return cached;
        }
        var stored = await bucket.GuardAsync(() => bucket.GetAsync(Key(digest, format), ct))
            ?? throw GyreException.NotFound($"the content {digest} is missing from the dataset store {bucket.Location}");
        Evict(stored.Length);
        var file = cache.NewStagingPath(format);
        try
        {
            // Checked against the content's own address, whatever the object's metadata says.
            await using (var verifying = new VerifyingStream(stored.Content, DatasetObjectStore.Hex(digest), stored.Length, $"dataset content {digest}", bucket.IsCorruption))
            await using (var target = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
            {
                await bucket.GuardAsync(async () =>
                {
                    await verifying.CopyToAsync(target, 1 << 20, ct);
                    return true;
                });
            }
            return cache.Adopt(file, digest, format);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public async Task<Stream> OpenReadAsync(string digest, DatasetFormat format, CancellationToken ct) =>
        new FileStream(await LocalPathAsync(digest, format, ct), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 20, useAsync: true);

    public async Task<bool> DeleteUnreferencedAsync(string digest, DatasetFormat format, TimeSpan grace, CancellationToken ct)
    {
        // The grace is the object's: content added again, on any server, is written again (UploadAsync).
        var key = Key(digest, format);
        var head = await bucket.GuardAsync(() => bucket.HeadAsync(key, ct));
        if (head is null || DateTimeOffset.UtcNow - head.LastModified < grace)
        {
            return false;
        }
        await bucket.GuardAsync(async () =>
        {
            await bucket.DeleteAsync(key, ct);
            return true;
        });
        await cache.DeleteUnreferencedAsync(digest, format, TimeSpan.Zero, ct);
        return true;
    }

    public async IAsyncEnumerable<StoredContent> ListContentAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await using var entries = bucket.ListAllAsync(_prefix, ct).GetAsyncEnumerator(ct);
        while (await bucket.GuardAsync(async () => await entries.MoveNextAsync()))
        {
            if (DatasetObjectStore.ParseContentName(entries.Current.Key[_prefix.Length..]) is var (digest, format))
            {
                yield return new StoredContent(digest, format, entries.Current.Size, entries.Current.LastModified);
            }
        }
    }

    /// <summary>Makes room for <paramref name="incoming"/> bytes: the files read least recently go first.</summary>
    private void Evict(long incoming)
    {
        lock (_eviction)
        {
            var files = cache.Files().OrderBy(f => f.LastAccessTimeUtc).ToList();
            var total = files.Sum(f => f.Length) + incoming;
            foreach (var file in files)
            {
                if (total <= cacheBytes)
                {
                    break;
                }
                // A file being read keeps its data until it is closed (Linux), so taking it away is safe.
                var length = file.Length;
                file.Delete();
                total -= length;
            }
        }
    }

    /// <summary>The key of a digest's content in the store.</summary>
    internal string Key(string digest, DatasetFormat format) => _prefix + DatasetObjectStore.ContentName(digest, format);
}
