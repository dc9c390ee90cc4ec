namespace Gyre.Core.Serving.Traffic;

/// <summary>The variants' recent traffic intervals, kept so that the dashboard's charts survive a restart.</summary>
public interface ITrafficStore
{
    /// <summary>Writes the intervals (replacing any kept for the same endpoint, variant and start) and forgets those that started before <paramref name="keepSince"/>.</summary>
    Task SaveAsync(IReadOnlyList<VariantTraffic> intervals, long keepSince, CancellationToken ct);

    /// <summary>The intervals that started at or after <paramref name="since"/>.</summary>
    Task<IReadOnlyList<VariantTraffic>> LoadAsync(long since, CancellationToken ct);
}

/// <summary>One interval of one variant's traffic.</summary>
public sealed record VariantTraffic(string Endpoint, string Variant, TrafficInterval Interval);
