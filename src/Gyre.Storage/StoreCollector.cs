using System.Globalization;
using Gyre.Core.Artifacts;
using Gyre.Core.Data;
using Gyre.Core.Pipelines.Steps;
using Gyre.Storage.Sql;

namespace Gyre.Storage;

/// <summary>
/// <c>gyre gc</c>: removes the files the metadata no longer names: the artifacts of runs that are
/// gone (a purge whose clean-up failed, an upload that raced a purge), the logs of pipeline runs
/// that are gone, command step outputs that no lineage record names, dataset files staged by direct
/// uploads and never written into place, and dataset contents that no version holds. Every write puts its file in the store before its row in the database, so a file
/// written within the grace period may be about to be named: it is kept and counted, never removed.
/// Files whose names Gyre does not give are left alone.
/// </summary>
public sealed class StoreCollector(GyreStorage storage)
{
    public async Task<CollectionReport> CollectAsync(TimeSpan grace, bool dryRun, CancellationToken ct)
    {
        var named = await NamedAsync(ct);
        var cutoff = DateTimeOffset.UtcNow - grace;
        var removed = new List<CollectedFile>();
        var young = 0;
        await foreach (var file in storage.Artifacts.ListAllAsync(null, ct))
        {
            if (Orphan(file.Key, named) is not { } kind)
            {
                continue;
            }
            if (file.LastModified > cutoff)
            {
                young++;
                continue;
            }
            if (!dryRun)
            {
                var (root, path) = file.Place();
                await storage.Artifacts.DeleteAsync(root, path, ct);
            }
            removed.Add(new CollectedFile(kind, file.Key, file.Size));
        }
        var contents = new List<StoredContent>();
        await foreach (var content in storage.DatasetObjects.ListContentAsync(ct))
        {
            if (named.Datasets.Contains(content.Digest))
            {
                continue;
            }
            if (content.LastModified > cutoff)
            {
                young++;
                continue;
            }
            contents.Add(content);
        }
        foreach (var content in contents)
        {
            // Deleting checks the write time again: the content may have been added again since it was listed.
            if (dryRun || await storage.DatasetObjects.DeleteUnreferencedAsync(content.Digest, content.Format, grace, ct))
            {
                removed.Add(new CollectedFile("dataset content", "datasets/" + Data.DatasetObjectStore.ContentName(content.Digest, content.Format), content.Size));
            }
        }
        return new CollectionReport(removed, young, dryRun);
    }

    /// <summary>What kind of orphan a key is, or null when the metadata names it (or Gyre does not know its kind).</summary>
    private static string? Orphan(string key, Named named)
    {
        var parts = key.Split('/');
        if (parts.Length > 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out _) && parts[2] == "artifacts")
        {
            return named.RunRoots.Contains(string.Join('/', parts[..3])) ? null : "run artifact";
        }
        if (parts.Length == 4 && $"{parts[0]}/{parts[1]}" == StepOutputCache.Root)
        {
            return named.StepOutputs.Contains("sha256:" + parts[3]) ? null : "step output"; // pipelines/outputs/HE/HEX
        }
        if (parts.Length == 2 && parts[0] + "/" == Artifacts.Objects.ObjectArtifactStore.UploadsFolder)
        {
            return "staged upload"; // a file sent straight to the store, left by a server that stopped before writing it into place
        }
        if (parts.Length == 4 && parts[0] == "pipelines" && parts[2] == "logs" && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var run))
        {
            return named.PipelineRuns.Contains(run) ? null : "step log";
        }
        return null;
    }

    private Task<Named> NamedAsync(CancellationToken ct) => storage.Database.ReadAsync(async c =>
    {
        var roots = await c.QueryAsync("SELECT artifact_uri FROM runs", null, r => RunArtifacts.RootOf(r.GetString(0)), ct);
        var runs = await c.QueryAsync("SELECT run_id FROM pipeline_runs", null, r => r.GetInt64(0), ct);
        var outputs = await c.QueryAsync("SELECT DISTINCT digest FROM lineage_artifacts WHERE type = @t", null, r => r.GetString(0), ct, ("t", ArtifactTypes.File));
        var datasets = await c.QueryAsync("SELECT DISTINCT digest FROM dataset_versions", null, r => r.GetString(0), ct);
        return new Named([.. roots], [.. runs], [.. outputs], [.. datasets]);
    }, ct);

    private sealed record Named(HashSet<string> RunRoots, HashSet<long> PipelineRuns, HashSet<string> StepOutputs, HashSet<string> Datasets);
}

/// <summary>What gc removed (or, in a dry run, would remove), and how many unnamed files it kept because they are younger than the grace period.</summary>
public sealed record CollectionReport(IReadOnlyList<CollectedFile> Removed, int KeptYoung, bool DryRun);

/// <summary>One file gc removed: its kind, its place in the store, its size.</summary>
public sealed record CollectedFile(string Kind, string Location, long Size);
