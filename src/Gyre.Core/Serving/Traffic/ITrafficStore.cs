namespace Gyre.Core.Serving.Traffic;

/// <summary>
/// The variants' recent traffic intervals, saved by every replica that serves them (a row per
/// replica and interval), so that the dashboard's charts and the error-rate policies see all of an
/// endpoint's traffic, on any replica, and across restarts.
/// </summary>
public interface ITrafficStore
{
    /// <summary>
    /// Writes <paramref name="replica"/>'s intervals (replacing its own kept for the same endpoint,
    /// variant and start) and forgets every replica's that started before <paramref name="keepSince"/>.
    /// </summary>
    Task SaveAsync(string replica, IReadOnlyList<VariantTraffic> intervals, long keepSince, CancellationToken ct);

    /// <summary>
    /// The endpoint's intervals (every endpoint's when null) that started at or after
    /// <paramref name="since"/>, saved by any replica but <paramref name="exceptReplica"/>, each
    /// replica's its own row.
    /// </summary>
    Task<IReadOnlyList<VariantTraffic>> LoadAsync(string? endpoint, long since, string exceptReplica, CancellationToken ct);
}

/// <summary>One interval of one variant's traffic.</summary>
public sealed record VariantTraffic(string Endpoint, string Variant, TrafficInterval Interval);

/// <summary>
/// Every replica's running traffic totals per variant, published by each replica every second or so,
/// so that the rollout controller judges a canary step on all replicas' traffic, not only its own.
/// </summary>
public interface ITrafficTotalsStore
{
    /// <summary>Replaces this replica's totals of the given variants (totals only grow within one replica's life).</summary>
    Task PublishAsync(string replica, IReadOnlyList<VariantTotals> totals, long nowMs, CancellationToken ct);

    /// <summary>Every replica's latest totals of an endpoint's variants.</summary>
    Task<IReadOnlyList<VariantTotals>> ReadAsync(string endpoint, CancellationToken ct);

    /// <summary>Forgets totals not published since <paramref name="beforeMs"/> (replicas long gone).</summary>
    Task ForgetAsync(long beforeMs, CancellationToken ct);
}

/// <summary>One replica's running totals of one variant.</summary>
public sealed record VariantTotals(string Replica, string Endpoint, string Variant, TrafficCounts Counts);
