namespace Gyre.Core.Features.Online;

/// <summary>
/// An entity's latest feature values in the online store: its key (<see cref="EntityKeys"/>), the
/// event time of the row they came from (milliseconds since the epoch), that row's order among rows
/// of the same time (its part, then its line: the later ingest wins), and the values as a JSON object.
/// </summary>
public sealed record OnlineFeatureRow(string EntityKey, long EventTime, long Order, string Features);
