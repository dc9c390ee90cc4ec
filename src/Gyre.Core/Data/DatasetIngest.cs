using Gyre.Core.Errors;
using Gyre.Core.Tracking;

namespace Gyre.Core.Data;

/// <summary>
/// Adds a dataset version from a stream: hash while streaming to a temporary file, return the
/// existing version when the content is known, otherwise inspect the file, commit it under its
/// digest and record the version. A failure at any step leaves neither a file nor a record.
/// </summary>
public sealed class DatasetIngest(IDatasetStore store, IDatasetObjectStore objects, IDatasetReader reader)
{
    public async Task<(DatasetVersion Version, bool Created)> AddAsync(
        string name, Stream content, DatasetFormat format, string? source, long maxBytes, CancellationToken ct)
    {
        var problems = new List<string>();
        // A key without '/': the name is one segment of the dataset's URL.
        Names.AddIf(problems, Names.CheckKey("name", name) ?? (name.Contains('/') ? $"name: dataset name '{name}' must not contain '/'" : null));
        if (source is not null)
        {
            Names.AddIf(problems, Names.CheckValue("source", source, TrackingLimits.MaxTagValueLength));
        }
        GyreException.ThrowIfAny(problems);

        await using var staged = await objects.StageAsync(content, format, maxBytes, ct);
        if (staged.SizeBytes == 0)
        {
            throw GyreException.Invalid("body: the file is empty");
        }
        if (await store.FindByDigestAsync(name, staged.Digest, ct) is { } known)
        {
            return (known, false);
        }
        var file = await reader.InspectAsync(staged.Path, format, ct);
        await staged.CommitAsync(ct);
        return await store.AddVersionAsync(name, new NewDatasetVersion(staged.Digest, format, staged.SizeBytes, file, source), ct);
    }
}
