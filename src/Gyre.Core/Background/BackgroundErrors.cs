using System.Collections.Concurrent;

namespace Gyre.Core.Background;

/// <summary>
/// Counts the failures of the server's background work, per worker (<see cref="Workers"/>): a
/// failure is logged where it happens and counted here, never swallowed, and <c>/metrics</c>
/// exports the counts as <c>gyre_background_errors_total{worker}</c>.
/// </summary>
public sealed class BackgroundErrors
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Count(string worker) => _counts.AddOrUpdate(worker, 1, (_, n) => n + 1);

    /// <summary>The failures since start, by worker; a worker that never failed has no entry.</summary>
    public IReadOnlyDictionary<string, long> Counts => _counts.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}

/// <summary>The names of the background workers, as <c>gyre_background_errors_total</c> labels them.</summary>
public static class Workers
{
    public const string Monitor = "monitor";
    public const string Policies = "policies";
    public const string Rollouts = "rollouts";
    public const string Triggers = "triggers";
    public const string Pipelines = "pipelines";
    public const string Traffic = "traffic";
    public const string Webhooks = "webhooks";
    public const string Labelling = "labelling";

    /// <summary>Every worker's name: <c>/metrics</c> publishes each one's count from 0, so that an alert's <c>increase()</c> sees the first failure.</summary>
    public static readonly IReadOnlyList<string> All = [Monitor, Policies, Rollouts, Triggers, Pipelines, Traffic, Webhooks, Labelling];
}
