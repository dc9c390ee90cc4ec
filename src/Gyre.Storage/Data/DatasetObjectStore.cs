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
        var path = Path.Combine(_staging, Guid.NewGuid().ToString("N") + format.Extension());
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
            return new Staged(this, path, "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()), size, format);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public string LocalPath(string digest, DatasetFormat format)
    {
        var path = ObjectPath(digest, format);
        return File.Exists(path) ? path : throw GyreException.NotFound($"the content {digest} is missing from the dataset store");
    }

    public Stream OpenRead(string digest, DatasetFormat format)
    {
        var path = ObjectPath(digest, format);
        return File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true)
            : throw GyreException.NotFound($"the content {digest} is missing from the dataset store");
    }

    public bool DeleteUnreferenced(string digest, DatasetFormat format, TimeSpan grace)
    {
        var path = ObjectPath(digest, format);
        if (!File.Exists(path) || DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < grace)
        {
            return false;
        }
        File.Delete(path);
        return true;
    }

    private string ObjectPath(string digest, DatasetFormat format)
    {
        var hex = digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest[7..] : digest;
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigitLower))
        {
            throw GyreException.Invalid($"digest: expected sha256: and 64 lower-case hex digits, got '{digest}'");
        }
        return Path.Combine(_root, hex[..2], hex + format.Extension());
    }

    private sealed class Staged(DatasetObjectStore store, string path, string digest, long size, DatasetFormat format) : IStagedObject
    {
        private bool _committed;

        public string Digest => digest;

        public long SizeBytes => size;

        public string Path => path;

        public Task CommitAsync(CancellationToken ct)
        {
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
            return Task.CompletedTask;
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
