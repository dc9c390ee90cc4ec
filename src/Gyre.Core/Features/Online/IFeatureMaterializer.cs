using Gyre.Core.Data;

namespace Gyre.Core.Features.Online;

/// <summary>The engine that reads a group's parts for the online store (DuckDB in Gyre.Storage).</summary>
public interface IFeatureMaterializer
{
    /// <summary>
    /// Reads the parts and hands <paramref name="write"/> each entity's latest row among them, in
    /// batches. <paramref name="watermark"/> is the newest event time materialised before: rows at or
    /// before it are counted (they arrived late), never dropped.
    /// </summary>
    Task<MaterializedParts> ReadLatestAsync(FeatureGroup group, IReadOnlyList<MaterializingPart> parts, long? watermark,
        Func<IReadOnlyList<OnlineFeatureRow>, CancellationToken, Task> write, CancellationToken ct);

    /// <summary>
    /// The first value in a file (CSV with a header, or Parquet) of a vector column that is not a JSON
    /// array of its dimensions' finite numbers, as a message naming the column, the line and the value;
    /// null when all are (a missing value is).
    /// </summary>
    Task<string?> FirstBadVectorAsync(string path, DatasetFormat format, IReadOnlyDictionary<string, int> vectors, CancellationToken ct);
}

/// <summary>A part to read: its place among the group's parts (a later part wins ties of time), its stored version and its local file.</summary>
public sealed record MaterializingPart(int Index, DatasetVersion Version, string Path);

/// <summary>What the parts held: rows, distinct entities, the newest event time, and rows at or before the watermark.</summary>
public sealed record MaterializedParts(long Rows, long Entities, long? NewestEventTime, long LateRows);
