using System.Security.Cryptography;
using Gyre.Core.Pipelines.Runs;

namespace Gyre.Core.Pipelines.Steps;

/// <summary>
/// The sha256 of a file, hashed again only when its size or modification time changed since the
/// last hash (as DVC and make do): an unchanged 1 GB input costs a stat, not a read.
/// </summary>
public sealed class FileDigests(IPipelineStore store)
{
    public async Task<string> DigestAsync(string path, CancellationToken ct, string field = "path")
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw Errors.GyreException.Invalid($"{field}: no file at {path}");
        }
        var modified = info.LastWriteTimeUtc.Ticks;
        if (await store.GetFileDigestAsync(info.FullName, info.Length, modified, ct) is { } known)
        {
            return known;
        }
        await using var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var digest = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
        await store.PutFileDigestAsync(info.FullName, info.Length, modified, digest, ct);
        return digest;
    }

    /// <summary>The file as an artifact with the given role.</summary>
    public async Task<PipelineArtifact> ArtifactAsync(string role, string path, CancellationToken ct, string field = "path")
    {
        var digest = await DigestAsync(path, ct, field);
        return new(role, ArtifactTypes.File, ArtifactUris.File(Path.GetFullPath(path), digest), digest);
    }
}
