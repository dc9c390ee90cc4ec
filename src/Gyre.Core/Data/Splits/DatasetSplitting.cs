using Gyre.Core.Errors;

namespace Gyre.Core.Data.Splits;

/// <summary>
/// Splits a stored version into train and test parts. Each part becomes a version of
/// <c>NAME.train</c> / <c>NAME.test</c> that records where it came from, and the split itself is
/// recorded, so that it can be found again rather than recomputed, and reproduced from its spec.
/// </summary>
public sealed class DatasetSplitting(IDatasetStore store, IDatasetObjectStore objects, IDatasetSplitter splitter, DatasetIngest ingest)
{
    public async Task<(DatasetSplit Split, bool Created)> SplitAsync(string name, long version, SplitSpec? spec, CancellationToken ct)
    {
        var found = await store.GetVersionAsync(name, version, ct);
        if (found.Status == DatasetStatuses.Failed)
        {
            throw GyreException.Conflict($"{name}@{found.Version} is failed (a validation error or a schema mismatch); a failed version cannot be split");
        }
        var normalized = SplitChecks.Normalize(spec, found);
        var id = SplitIds.Of(name, found.Digest, normalized);
        if (await store.FindSplitAsync(id, ct) is { } known)
        {
            return (known, false);
        }
        using var files = await splitter.SplitAsync(await objects.LocalPathAsync(found.Digest, found.Format, ct), found, normalized, ct);
        var parts = new List<SplitPart>();
        foreach (var (part, path) in files.Parts)
        {
            await using var content = File.OpenRead(path);
            await using var staged = await objects.StageAsync(content, DatasetFormat.Parquet, long.MaxValue, ct);
            var derived = new DatasetIngest.Derived(new DatasetDerivation(id, name, found.Version, part), found.Columns);
            var (partVersion, _) = await ingest.RecordAsync(SplitMethods.PartDataset(name, part), staged, DatasetFormat.Parquet,
                $"{part} part of {id} of {name}@{found.Version}", ReadOptions.Default, derived, ct);
            parts.Add(new SplitPart(part, partVersion.Name, partVersion.Version, partVersion.Digest, partVersion.Rows));
        }
        // A part recorded before a failure here is found again by its digest when the split is retried.
        return await store.AddSplitAsync(new DatasetSplit(id, name, found.Version, found.Digest, normalized, parts, 0), ct);
    }

    public async Task<IReadOnlyList<DatasetSplit>> ListAsync(string name, long version, CancellationToken ct)
    {
        var found = await store.GetVersionAsync(name, version, ct);
        return await store.ListSplitsAsync(name, found.Version, ct);
    }
}
