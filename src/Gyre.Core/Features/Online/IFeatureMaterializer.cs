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
}

/// <summary>A part to read: its place among the group's parts (a later part wins ties of time), its stored version and its local file.</summary>
public sealed record MaterializingPart(int Index, DatasetVersion Version, string Path);

/// <summary>What the parts held: rows, distinct entities, the newest event time, and rows at or before the watermark.</summary>
public sealed record MaterializedParts(long Rows, long Entities, long? NewestEventTime, long LateRows);
