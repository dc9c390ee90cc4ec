using Gyre.Core.Data;

namespace Gyre.Core.Features;

/// <summary>The engine of point-in-time joins (DuckDB's <c>ASOF JOIN</c> in Gyre.Storage).</summary>
public interface ITrainingSetJoiner
{
    /// <summary>
    /// Writes every entity row, in its order, with each group's features as of the row's timestamp:
    /// from the group's latest row with the same entity key and an event time at or before it (of
    /// rows with the same key and time, the one ingested last), missing when there is none or it is
    /// older than the group's time-to-live. Returns the rows written.
    /// </summary>
    Task<long> JoinAsync(TrainingSetEntities entities, IReadOnlyList<TrainingSetGroup> groups, string output, DatasetFormat format, CancellationToken ct);

    /// <summary>
    /// The same join for entity rows held in memory (a sample of logged predictions): for each row, each
    /// group's features as of its time, as a JSON object, or null when the group has no row for it then
    /// (or only one older than its time-to-live). In the rows' order.
    /// </summary>
    Task<IReadOnlyList<string?[]>> AsOfAsync(IReadOnlyList<EntityAt> rows, IReadOnlyList<TrainingSetGroup> groups, CancellationToken ct);
}

/// <summary>An entity row held in memory: its key columns' values as text (<see cref="Online.EntityKeys"/>) and its time in milliseconds.</summary>
public sealed record EntityAt(IReadOnlyDictionary<string, string> Keys, long Time);

/// <summary>The entity rows: a stored version, its local file, and its timestamp column.</summary>
public sealed record TrainingSetEntities(DatasetVersion Version, string Path, string Timestamp);

/// <summary>A group to join: its parts' stored versions with their local files, and the features asked of it.</summary>
public sealed record TrainingSetGroup(FeatureGroup Group, IReadOnlyList<(DatasetVersion Version, string Path)> Parts, IReadOnlyList<string> Features)
{
    /// <summary>The group with each of its parts' stored version and local file (fetched from the object store when it is not here).</summary>
    public static async Task<TrainingSetGroup> ResolveAsync(FeatureGroup group, IReadOnlyList<string> features, IDatasetStore datasets, IDatasetObjectStore objects, CancellationToken ct)
    {
        var parts = new List<(DatasetVersion, string)>();
        foreach (var part in group.Parts)
        {
            var version = await datasets.GetVersionAsync(part.Dataset, part.Version, ct);
            parts.Add((version, await objects.LocalPathAsync(version.Digest, version.Format, ct)));
        }
        return new TrainingSetGroup(group, parts, features);
    }
}
