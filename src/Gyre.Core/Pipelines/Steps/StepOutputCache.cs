using System.Security.Cryptography;
using Gyre.Core.Artifacts;

namespace Gyre.Core.Pipelines.Steps;

/// <summary>
/// A copy of every file a command step writes, kept in the artifact store by its digest
/// (<c>pipelines/outputs/AB/ABCD…</c>), as DVC's cache keeps a stage's outs. When a cached step is
/// reused on a worker that lacks its output (another machine, or the file deleted since), the file
/// is put back from the store, checked against its digest, instead of the command running again.
/// </summary>
public sealed class StepOutputCache(IArtifactStore store)
{
    public const string Root = "pipelines/outputs";

    /// <summary>
    /// Keeps the file's content. The same content is written again all the same: its write time is
    /// what keeps gc (which spares what is younger than its grace) from taking it before the lineage
    /// record that names it is written.
    /// </summary>
    public async Task SaveAsync(string path, string digest, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await store.WriteAsync(Root, KeyOf(digest), file, long.MaxValue, ct);
    }

    /// <summary>Puts the kept content back at <paramref name="path"/>; false when none is kept or what is kept is not that content.</summary>
    public async Task<bool> RestoreAsync(string path, string digest, CancellationToken ct)
    {
        var key = KeyOf(digest);
        if (!await store.ExistsAsync(Root, key, ct))
        {
            return false;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var source = await store.OpenReadAsync(Root, key, ct))
            await using (var target = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await source.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            if ("sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()) != digest)
            {
                return false;
            }
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>A digest's place: <c>sha256:HEX</c> at <c>HE/HEX</c>.</summary>
    private static ArtifactPath KeyOf(string digest)
    {
        var hex = digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest["sha256:".Length..] : digest;
        return ArtifactPath.Parse($"{hex[..2]}/{hex}");
    }
}
