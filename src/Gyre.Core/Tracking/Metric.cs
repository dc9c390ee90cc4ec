namespace Gyre.Core.Tracking;

/// <summary>
/// One point of a metric series: points append, never overwrite. <paramref name="Timestamp"/> is
/// milliseconds since the Unix epoch. The value may be NaN or ±Infinity.
/// </summary>
public sealed record Metric(string Key, double Value, long Step, long Timestamp);
