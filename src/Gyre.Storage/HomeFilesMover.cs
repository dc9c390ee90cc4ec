using System.Globalization;
using System.Security.Cryptography;
using Gyre.Core.Artifacts;
using Gyre.Core.Errors;
using Gyre.Storage.Artifacts;
using Gyre.Storage.Artifacts.Objects;
using Gyre.Storage.Data;

namespace Gyre.Storage;

/// <summary>
/// <c>gyre home move --artifacts-to URL</c>: copies a home's files — run artifacts and model
/// packages, command step outputs, step logs, dataset contents — into an object store, reads every
/// one back to check that its SHA-256 is the home's, and only then records the store in the home,
/// so that servers started on it use the store. Nothing is deleted by the move: the home's
/// artifacts folder stays as it was, and its datasets folder becomes the store's read cache (so
/// from then on it keeps at most --cache-size). A move that failed part way can be run again; a home
/// already moved is refused, since the store may hold newer files than its folders.
/// </summary>
public static class HomeFilesMover
{
    public static async Task<FilesMoveReport> MoveAsync(GyreHome home, ArtifactStoreOptions target, CancellationToken ct)
    {
        if (target.Url is null || !target.Url.StartsWith("s3://", StringComparison.Ordinal) && !target.Url.StartsWith("azblob://", StringComparison.Ordinal))
        {
            throw GyreException.Invalid($"--artifacts-to: expected s3://BUCKET/PREFIX or azblob://CONTAINER/PREFIX, got '{target.Url}'");
        }
        if (home.RecordedArtifactStore() is { } recorded)
        {
            // Since then the store has the newer files: copying the home's again could put old content over them.
            throw GyreException.Conflict($"--artifacts-to: the home's files were already moved to {recorded}, which is where they are kept now");
        }
        var stores = target.Open(home);
        using var bucket = stores.Bucket!;
        await bucket.EnsureExistsAsync(ct);
        var counts = new Dictionary<string, (int Files, long Bytes)>();
        void Count(string kind, long size) => counts[kind] = counts.GetValueOrDefault(kind) is var (f, b) ? (f + 1, b + size) : (1, size);

        var artifacts = new FileSystemArtifactStore(home.ArtifactsPath);
        await foreach (var file in artifacts.ListAllAsync(null, ct))
        {
            var (root, path) = file.Place();
            await CopyAsync(stores.Artifacts, root, path, Path.Combine(home.ArtifactsPath, file.Key), ct);
            Count(file.Key.StartsWith(Core.Pipelines.Steps.StepOutputCache.Root + "/", StringComparison.Ordinal) ? "step outputs" : "run artifacts", file.Size);
        }
        var logs = new DirectoryInfo(Path.Combine(home.Root, "pipeline-logs"));
        foreach (var log in logs.Exists ? logs.EnumerateFiles("*.log", SearchOption.AllDirectories) : [])
        {
            // pipeline-logs/RUN/STEP.log is pipelines/RUN/logs/STEP.log in a store (StoredStepLogs).
            await CopyAsync(stores.Artifacts, "pipelines/" + log.Directory!.Name, ArtifactPath.Parse("logs/" + log.Name), log.FullName, ct);
            Count("step logs", log.Length);
        }
        var datasets = new DatasetObjectStore(home.DatasetsPath);
        var inStore = (ObjectDatasetStore)stores.Datasets;
        await foreach (var content in datasets.ListContentAsync(ct))
        {
            await CopyContentAsync(bucket, inStore.Key(content.Digest, content.Format), datasets.LocalPath(content.Digest, content.Format), content.Digest, ct);
            Count("dataset contents", content.Size);
        }
        await File.WriteAllTextAsync(home.ArtifactStorePath, target.Url + "\n", ct);
        var prefix = Uri.UnescapeDataString(new Uri(target.Url).AbsolutePath).Trim('/');
        return new FilesMoveReport(bucket.Location + (prefix.Length == 0 ? "" : "/" + prefix),
            [.. counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new MovedKind(c.Key, c.Value.Files, c.Value.Bytes))]);
    }

    /// <summary>Copies a file to the store and reads it back: the copy's SHA-256 must be the file's.</summary>
    private static async Task CopyAsync(IArtifactStore store, string root, ArtifactPath path, string source, CancellationToken ct)
    {
        string digest;
        await using (var file = OpenSource(source))
        await using (var hashing = new DigestingStream(file, long.MaxValue))
        {
            await store.WriteAsync(root, path, hashing, long.MaxValue, ct);
            digest = hashing.Digest;
        }
        await using var copy = await store.OpenReadAsync(root, path, ct);
        Check(await SHA256.HashDataAsync(copy, ct), digest, $"{root}/{path}");
    }

    private static async Task CopyContentAsync(ObjectBucket bucket, string key, string source, string digest, CancellationToken ct)
    {
        await bucket.GuardAsync(async () =>
        {
            await using (var file = OpenSource(source))
            await using (var digesting = new DigestingStream(file, long.MaxValue))
            {
                await bucket.PutAsync(key, digesting, ct);
            }
            var stored = await bucket.GetAsync(key, ct) ?? throw new GyreException(ErrorCode.DataLoss, $"{key}: not in the store after it was written");
            await using var content = stored.Content;
            Check(await SHA256.HashDataAsync(content, ct), DatasetObjectStore.Hex(digest), key);
            return true;
        });
    }

    private static FileStream OpenSource(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);

    private static void Check(byte[] copied, string expected, string what)
    {
        if (Convert.ToHexStringLower(copied) != expected)
        {
            throw new GyreException(ErrorCode.DataLoss, $"{what}: the copy in the store (SHA-256 {Convert.ToHexStringLower(copied)}) is not the home's file ({expected}); the home was not switched");
        }
    }
}

/// <summary>What a move of a home's files copied, by kind, and where to.</summary>
public sealed record FilesMoveReport(string Store, IReadOnlyList<MovedKind> Kinds)
{
    public string Summary => string.Join(", ", Kinds.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Files:N0} {k.Kind} ({k.Bytes:N0} bytes)")));
}

public sealed record MovedKind(string Kind, int Files, long Bytes);
