namespace Gyre.Core.Features.Online;

/// <summary>
/// How far a group's online store is materialised: the parts read (the first <c>Parts</c> of the
/// group's parts), the newest event time among them (the group's freshness), the entities the
/// online store holds, and when it was done.
/// </summary>
public sealed record Materialization(int Parts, long? EventTime, long Entities, long Time);

/// <summary>
/// One materialisation's outcome: the group as it is now, the parts read, their rows, the entities
/// whose values changed, and the rows that arrived at or before the previous freshness point (late
/// rows: read, and kept only where they are an entity's latest). <c>UpToDate</c> when there was nothing new.
/// </summary>
public sealed record MaterializeResult(FeatureGroup Group, int PartsRead, long Rows, long Updated, long LateRows, bool UpToDate);
