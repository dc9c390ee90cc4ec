namespace Gyre.Core.Data;

/// <summary>Deleting a dataset with the contents only it held.</summary>
public static class DatasetDeletion
{
    /// <summary>Grace before a content no version holds is removed: an upload of the same content may be on its way to it.</summary>
    public static readonly TimeSpan ContentGrace = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Deletes a dataset and its versions; contents no other dataset holds are removed (unless added
    /// again within <see cref="ContentGrace"/>). not_found when there is no such dataset.
    /// </summary>
    public static async Task DeleteWithContentsAsync(this IDatasetStore store, IDatasetObjectStore objects, string name, CancellationToken ct)
    {
        foreach (var (digest, format) in await store.DeleteDatasetAsync(name, ct))
        {
            await objects.DeleteUnreferencedAsync(digest, format, ContentGrace, ct);
        }
    }
}
