namespace Gyre.Core.Serving.Rollouts;

/// <summary>Rollouts with their history. At most one runs per endpoint.</summary>
public interface IRolloutStore
{
    /// <summary>Stores a new rollout and returns it with its id; conflict when one is already running on the endpoint.</summary>
    Task<Rollout> CreateRolloutAsync(Rollout rollout, CancellationToken ct);

    /// <summary>Replaces a rollout's state (the whole record); not_found when there is no such rollout.</summary>
    Task SaveRolloutAsync(Rollout rollout, CancellationToken ct);

    Task<Rollout> GetRolloutAsync(string endpoint, long id, CancellationToken ct);

    /// <summary>An endpoint's rollouts, newest first.</summary>
    Task<IReadOnlyList<Rollout>> ListRolloutsAsync(string endpoint, CancellationToken ct);

    /// <summary>Every running rollout, for the controller to drive (and to resume after a restart).</summary>
    Task<IReadOnlyList<Rollout>> ListRunningAsync(CancellationToken ct);
}
