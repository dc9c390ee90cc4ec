using System.Security.Cryptography;
using Gyre.Core.Data;
using Gyre.Core.Errors;

namespace Gyre.Storage.Data;

/// <summary>
/// Dataset files under <c>HOME/datasets/objects/AB/ABCDEF….csv</c>, named by the SHA-256 of
/// their content. Staging hashes while it streams, so a large file is read exactly once.
/// </summary>
internal sealed class DatasetObjectStore : IDatasetObjectStore
{
    private const int BufferSize = 1 << 20;
    private readonly string _root;
    private readonly string _staging;

    public DatasetObjectStore(string root)
    {
        _root = Path.Combine(root, "objects");
        _staging = Path.Combine(root, "staging");
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_staging);
    }

    public async Task<IStagedObject> StageAsync(Stream content, DatasetFormat format, long maxBytes, CancellationToken ct)
    {
        var path = NewStagingPath(format);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        throw new GyreException(ErrorCode.PayloadTooLarge, $"body: the file is larger than the limit of {maxBytes} bytes");
                    }
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            return new Staged(this, path, "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()), size, format, null);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public Task<string> LocalPathAsync(string digest, DatasetFormat format, CancellationToken ct) => Task.FromResult(LocalPath(digest, format));

    /// <summary>The file of a digest's content, or not_found.</summary>
    public string LocalPath(string digest, DatasetFormat format)
    {
        var path = ObjectPath(digest, format);
        return File.Exists(path) ? path : throw GyreException.NotFound($"the content {digest} is missing from the dataset store");
    }

    /// <summary>The file of a digest's content if this store holds it, else null.</summary>
    public string? Find(string digest, DatasetFormat format) => ObjectPath(digest, format) is var path && File.Exists(path) ? path : null;

    public Task<Stream> OpenReadAsync(string digest, DatasetFormat format, CancellationToken ct) =>
        Task.FromResult<Stream>(new FileStream(LocalPath(digest, format), FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true));

    public Task<bool> DeleteUnreferencedAsync(string digest, DatasetFormat format, TimeSpan grace, CancellationToken ct)
    {
        var path = ObjectPath(digest, format);
        if (!File.Exists(path) || DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < grace)
        {
            return Task.FromResult(false);
        }
        File.Delete(path);
        return Task.FromResult(true);
    }

    /// <summary>Moves a file whose content is known to be <paramref name="digest"/> into place (a copy fetched from an object store); the file is gone afterwards.</summary>
    public string Adopt(string file, string digest, DatasetFormat format)
    {
        var target = ObjectPath(digest, format);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            File.Move(file, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            File.Delete(file); // fetched meanwhile by another caller: same content
        }
        return target;
    }

    /// <summary>A new file in the staging folder, for content on its way in.</summary>
    public string NewStagingPath(DatasetFormat format) => Path.Combine(_staging, Guid.NewGuid().ToString("N") + format.Extension());

    public IAsyncEnumerable<StoredContent> ListContentAsync(CancellationToken ct) =>
        Files().Select(f => ParseContentName(Path.GetRelativePath(_root, f.FullName).Replace(Path.DirectorySeparatorChar, '/')) is var (digest, format)
                ? new StoredContent(digest, format, f.Length, new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero))
                : null)
            .OfType<StoredContent>()
            .ToAsyncEnumerable();

    /// <summary>Every content file this store holds.</summary>
    public IEnumerable<FileInfo> Files() => new DirectoryInfo(_root).EnumerateFiles("*", SearchOption.AllDirectories);

    public string ObjectPath(string digest, DatasetFormat format) => Path.Combine(_root, ContentName(digest, format));

    /// <summary>Where a digest's content is kept, relative to the store's root: <c>AB/ABCDEF….csv</c>, on disk and in an object store alike.</summary>
    public static string ContentName(string digest, DatasetFormat format)
    {
        var hex = Hex(digest);
        return $"{hex[..2]}/{hex}{format.Extension()}";
    }

    /// <summary>The digest and format of a content name (<c>AB/ABCDEF….csv</c>), or null for any other name (a file another tool left).</summary>
    public static (string Digest, DatasetFormat Format)? ParseContentName(string name)
    {
        var parts = name.Split('/');
        var extension = Path.GetExtension(name);
        var hex = parts.Length == 2 ? Path.GetFileNameWithoutExtension(parts[1]) : "";
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigitLower) || parts[0] != hex[..2] || extension is not (".csv" or ".parquet"))
        {
            return null;
        }
        return ("sha256:" + hex, extension == ".csv" ? DatasetFormat.Csv : DatasetFormat.Parquet);
    }

    /// <summary>The 64 hex digits of a <c>sha256:</c> digest; anything else is refused.</summary>
    public static string Hex(string digest)
    {
        var hex = digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest[7..] : digest;
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigitLower)
            ? hex
            : throw GyreException.Invalid($"digest: expected sha256: and 64 lower-case hex digits, got '{digest}'");
    }

    /// <summary>
    /// Staged content; <paramref name="beforeCommit"/>, when given, runs first on commit (an object
    /// store's upload), so that content is in place there before any version refers to it.
    /// </summary>
    internal sealed class Staged(DatasetObjectStore store, string path, string digest, long size, DatasetFormat format,
        Func<Staged, CancellationToken, Task>? beforeCommit) : IStagedObject
    {
        private bool _committed;

        public string Digest => digest;

        public long SizeBytes => size;

        public string Path => path;

        public DatasetFormat Format => format;

        /// <summary>The same staged file, committing through <paramref name="upload"/> first.</summary>
        public Staged Before(Func<Staged, CancellationToken, Task> upload) => new(store, path, digest, size, format, upload);

        public async Task CommitAsync(CancellationToken ct)
        {
            if (beforeCommit is not null)
            {
                await beforeCommit(this, ct);
            }
            var target = store.ObjectPath(digest, format);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            // Same content, same name: if another upload committed it first, ours is redundant,
            // including when both got past the existence check at once.
            try
            {
                if (!File.Exists(target))
                {
                    File.Move(path, target);
                }
                else
                {
                    // Added again: a deletion within its grace period must not take it away.
                    File.SetLastWriteTimeUtc(target, DateTime.UtcNow);
                }
            }
            catch (IOException) when (File.Exists(target))
            {
            }
            File.Delete(path);
            _committed = true;
        }

        public ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                File.Delete(path);
            }
            return ValueTask.CompletedTask;
        }
    }
}
