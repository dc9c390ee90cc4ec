using System.Globalization;
using Gyre.Core.Artifacts;
using Gyre.Core.Errors;

namespace Gyre.Storage.Artifacts;

/// <summary>
/// Artifacts as files under one base folder. Uploads stream into a temporary file beside the
/// target and are renamed into place only when complete, so a failed or oversized upload
/// leaves nothing behind and a reader never sees half a file.
/// </summary>
internal sealed class FileSystemArtifactStore : IArtifactStore
{
    private const int BufferSize = 81920;
    private readonly string _basePath;

    public FileSystemArtifactStore(string basePath)
    {
        // Without a trailing separator (file:///srv/gyre/ names the same folder as file:///srv/gyre), so that paths under it compare as under it.
        _basePath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(basePath));
        Directory.CreateDirectory(_basePath);
    }

    public async Task<ArtifactInfo> WriteAsync(string root, ArtifactPath path, Stream content, long maxBytes, CancellationToken ct)
    {
        var target = Resolve(root, path);
        if (Directory.Exists(target))
        {
            throw GyreException.Conflict($"path: '{path}' is a directory");
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        }
        catch (IOException)
        {
            throw GyreException.Conflict($"path: a parent of '{path}' is a file, not a directory");
        }
        // A short name of its own beside the target: the target's name may already be as long as a name can be.
        var temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Guid.NewGuid():N}.partial");
        long written = 0;
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    written += read;
                    if (written > maxBytes)
                    {
                        throw new GyreException(ErrorCode.PayloadTooLarge, $"body: the artifact is larger than the limit of {maxBytes} bytes");
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                await file.FlushAsync(ct);
            }
            File.Move(temporary, target, overwrite: true);
            return new ArtifactInfo(path.Value, false, written);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public Task<Stream> OpenReadAsync(string root, ArtifactPath path, CancellationToken ct)
    {
        var target = Resolve(root, path);
        if (!File.Exists(target))
        {
            throw GyreException.NotFound($"artifact '{path}' does not exist");
        }
        return Task.FromResult<Stream>(new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true));
    }

    public Task<ArtifactDownload> OpenDownloadAsync(string root, ArtifactPath path, CancellationToken ct)
    {
        var file = new FileInfo(Resolve(root, path));
        if (!file.Exists)
        {
            throw GyreException.NotFound($"artifact '{path}' does not exist");
        }
        // As a static file server tags a file: its size and write time change when it is replaced.
        var etag = string.Create(CultureInfo.InvariantCulture, $"\"{file.Length:x}-{file.LastWriteTimeUtc.Ticks:x}\"");
        var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        return Task.FromResult(new ArtifactDownload(stream, stream.Length, etag, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero)));
    }

    public IAsyncEnumerable<StoredArtifact> ListAllAsync(string? root, CancellationToken ct) => FilesUnder(root).ToAsyncEnumerable();

    private IEnumerable<StoredArtifact> FilesUnder(string? root)
    {
        var directory = root is null ? _basePath : Resolve(root, ArtifactPath.Parse("", allowEmpty: true));
        if (!Directory.Exists(directory))
        {
            return [];
        }
        return new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => !f.Name.EndsWith(".partial", StringComparison.Ordinal))
            .Select(f => new StoredArtifact(Path.GetRelativePath(_basePath, f.FullName).Replace(Path.DirectorySeparatorChar, '/'),
                f.Length, new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero)));
    }

    public Task<IReadOnlyList<ArtifactInfo>> ListAsync(string root, ArtifactPath path, CancellationToken ct)
    {
        var directory = Resolve(root, path);
        if (File.Exists(directory))
        {
            throw GyreException.Invalid($"path: '{path}' is a file, not a directory");
        }
        if (!Directory.Exists(directory))
        {
            return Task.FromResult<IReadOnlyList<ArtifactInfo>>([]);
        }
        var prefix = path.Value.Length == 0 ? "" : path.Value + "/";
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos()
            .Where(e => !e.Name.EndsWith(".partial", StringComparison.Ordinal))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => e is FileInfo f ? new ArtifactInfo(prefix + f.Name, false, f.Length) : new ArtifactInfo(prefix + e.Name, true, null))
            .ToList();
        return Task.FromResult<IReadOnlyList<ArtifactInfo>>(entries);
    }

    public Task<bool> ExistsAsync(string root, ArtifactPath path, CancellationToken ct)
    {
        var target = Resolve(root, path);
        return Task.FromResult(File.Exists(target) || Directory.Exists(target));
    }

    public Task DeleteAsync(string root, ArtifactPath path, CancellationToken ct)
    {
        File.Delete(Resolve(root, path));
        return Task.CompletedTask;
    }

    public Task DeleteRootAsync(string root, CancellationToken ct)
    {
        var directory = Resolve(root, ArtifactPath.Parse("", allowEmpty: true));
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        return Task.CompletedTask;
    }

    /// <summary>The full path, checked once more to be inside the base folder whatever the root says.</summary>
    private string Resolve(string root, ArtifactPath path)
    {
        var rootPath = ArtifactPath.Parse(root, "root");
        var full = Path.GetFullPath(Path.Combine([_basePath, .. rootPath.Segments, .. path.Segments]));
        if (!full.StartsWith(_basePath + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw GyreException.Invalid($"path: '{path}' leaves the artifact root");
        }
        return full;
    }
}
