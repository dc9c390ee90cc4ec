namespace Gyre.Core.Serving.Rollouts;

/// <summary>Rollouts with their history. At most one runs per endpoint.</summary>
public interface IRolloutStore
{
    /// <summary>Stores a new rollout and returns it with its id; conflict when one is already running on the endpoint.</summary>
    Task<Rollout> CreateRolloutAsync(Rollout rollout, CancellationToken ct);

    /// <summary>
    /// Replaces a rollout's state (the whole record) over the revision it was read at, and returns it at
    /// its new revision; conflict when another writer saved it since (another replica's controller, an
    /// abort through the API), not_found when there is no such rollout.
    /// </summary>
    Task<Rollout> SaveRolloutAsync(Rollout rollout, CancellationToken ct);

    Task<Rollout> GetRolloutAsync(string endpoint, long id, CancellationToken ct);

    /// <summary>An endpoint's rollouts, newest first.</summary>
    Task<IReadOnlyList<Rollout>> ListRolloutsAsync(string endpoint, CancellationToken ct);

    /// <summary>The running rollout of an endpoint, if any.</summary>
    Task<Rollout?> GetRunningAsync(string endpoint, CancellationToken ct);

    /// <summary>The newest rollout of every endpoint, whatever its state: the record the controller keeps each endpoint's variants to.</summary>
    Task<IReadOnlyList<Rollout>> ListLatestAsync(CancellationToken ct);
}
