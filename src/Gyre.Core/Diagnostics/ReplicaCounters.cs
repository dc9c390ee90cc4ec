using System.Collections.Concurrent;

namespace Gyre.Core.Diagnostics;

/// <summary>
/// What this replica did in the cluster's shared work, counted for <c>/metrics</c>: rollouts it
/// brought to a state, singleton leases it took and holds, and pipeline runs it ran and finished.
/// Each replica counts its own; Prometheus adds them up.
/// </summary>
public sealed class ReplicaCounters
{
    private readonly ConcurrentDictionary<(string Endpoint, string State), long> _rollouts = new();
    private readonly ConcurrentDictionary<string, long> _leasesTaken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _leasesHeld = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _runsFinished = new(StringComparer.Ordinal);
    private long _runsActive;

    /// <summary>A rollout of <paramref name="endpoint"/> was recorded in <paramref name="state"/> by this replica.</summary>
    public void RolloutReached(string endpoint, string state) => _rollouts.AddOrUpdate((endpoint, state), 1, (_, n) => n + 1);

    /// <summary>This replica took the singleton lease <paramref name="lease"/> under a new epoch (not a renewal).</summary>
    public void LeaseTaken(string lease) => _leasesTaken.AddOrUpdate(lease, 1, (_, n) => n + 1);

    /// <summary>Whether this replica holds the singleton lease <paramref name="lease"/> as of its last attempt.</summary>
    public void LeaseHeld(string lease, bool held) => _leasesHeld[lease] = held;

    public void RunStarted() => Interlocked.Increment(ref _runsActive);

    /// <summary>A run that started here ended, in <paramref name="state"/> (null: it never ran here, another replica held it).</summary>
    public void RunFinished(string? state)
    {
        Interlocked.Decrement(ref _runsActive);
        if (state is not null)
        {
            _runsFinished.AddOrUpdate(state, 1, (_, n) => n + 1);
        }
    }

    public IReadOnlyDictionary<(string Endpoint, string State), long> Rollouts => _rollouts.ToDictionary(p => p.Key, p => p.Value);

    public IReadOnlyDictionary<string, long> LeasesTaken => _leasesTaken.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, bool> LeasesHeld => _leasesHeld.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> RunsFinished => _runsFinished.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    public long RunsActive => Interlocked.Read(ref _runsActive);
}
