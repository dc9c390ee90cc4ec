using Gyre.Core.Data;

namespace Gyre.Core.Features;

/// <summary>
/// A feature group: rows of feature values about entities (keyed by <c>Entities</c>) as of their
/// <c>EventTime</c>. Its offline store is every row ever ingested, kept as dataset versions
/// (<c>Parts</c>, oldest first): the version it was created from, then one version of the dataset
/// <c>Dataset</c> per ingest, so any past state can be rebuilt. Values older than <c>TtlSeconds</c>
/// at the time they are asked for count as missing. <c>Materialized</c> says how far its online store
/// (each entity's latest values) has read.
/// </summary>
public sealed record FeatureGroup(
    string Name,
    IReadOnlyList<string> Entities,
    string EventTime,
    IReadOnlyList<FeatureColumn> Features,
    string Dataset,
    IReadOnlyList<FeatureGroupPart> Parts,
    long CreationTime,
    long? TtlSeconds = null,
    string? Description = null,
    Online.Materialization? Materialized = null)
{
    /// <summary>The group's version: how many parts it has.</summary>
    public long Version => Parts.Count;

    /// <summary>Every row ever ingested.</summary>
    public long Rows => Parts.Sum(p => p.Rows);

    /// <summary>
    /// Which online state this record names (its creation, then its last materialisation): what is
    /// held in memory from the online store is dropped when a record names a later one.
    /// </summary>
    public (long Created, long Materialized) OnlineState() => (CreationTime, Materialized?.Time ?? 0);

    /// <summary>The dataset a group's ingests are added to.</summary>
    public static string DatasetOf(string name) => name + ".features";
}

/// <summary>
/// A feature column and its type. A vector feature (an embedding) has <c>Dimensions</c>: its values
/// are JSON arrays of that many finite numbers, held as text in the offline store and as arrays in
/// the online store, where they can be searched by similarity.
/// </summary>
public sealed record FeatureColumn(string Name, ColumnType Type, int? Dimensions = null);

/// <summary>One part of a group's offline store: a dataset version, its rows, and when it joined the group.</summary>
public sealed record FeatureGroupPart(string Dataset, long Version, long Rows, long Time);

/// <summary>An ingest's outcome: the group as it is now, and the part the file became.</summary>
public sealed record FeatureIngest(FeatureGroup Group, FeatureGroupPart Part);
