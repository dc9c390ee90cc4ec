namespace Gyre.Core.Data.Reference;

/// <summary>Gives the reference statistics of a version, computing them once and keeping them with it.</summary>
public sealed class DatasetReferences(IDatasetStore store, IDatasetObjectStore objects, IReferenceComputer computer)
{
    public async Task<ReferenceStatistics> GetOrComputeAsync(string name, long version, CancellationToken ct)
    {
        var found = await store.GetVersionAsync(name, version, ct);
        if (await store.GetReferenceAsync(name, found.Version, ct) is { } kept)
        {
            return kept;
        }
        var computed = await computer.ComputeAsync(await objects.LocalPathAsync(found.Digest, found.Format, ct), found, ct);
        await store.SetReferenceAsync(name, found.Version, computed, ct);
        return computed;
    }
}
