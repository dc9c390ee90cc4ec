namespace Gyre.Core.Tracking;

/// <summary>
/// Where experiments and runs live. Every implementation passes the same contract test suite.
/// Errors are <see cref="Errors.GyreException"/>s with codes not_found, already_exists,
/// conflict or invalid_argument. Listings page with opaque tokens; max_results is 1..50,000.
/// </summary>
public interface ITrackingStore
{
    Task<Experiment> CreateExperimentAsync(string name, IReadOnlyList<Tag> tags, CancellationToken ct);

    Task<Experiment> GetExperimentAsync(ExperimentId id, CancellationToken ct);

    Task<Experiment> GetExperimentByNameAsync(string name, CancellationToken ct);

    Task<Page<Experiment>> SearchExperimentsAsync(ExperimentSearch search, CancellationToken ct);

    Task<Experiment> RenameExperimentAsync(ExperimentId id, string newName, CancellationToken ct);

    Task SetExperimentTagAsync(ExperimentId id, Tag tag, CancellationToken ct);

    /// <summary>Soft delete: the experiment and its runs become deleted, and its name stays taken.</summary>
    Task DeleteExperimentAsync(ExperimentId id, CancellationToken ct);

    Task RestoreExperimentAsync(ExperimentId id, CancellationToken ct);

    /// <summary>Permanent delete of a soft-deleted experiment and its runs; the name becomes free.</summary>
    Task PurgeExperimentAsync(ExperimentId id, CancellationToken ct);

    Task<Run> CreateRunAsync(NewRun run, CancellationToken ct);

    Task<Run> GetRunAsync(RunId id, CancellationToken ct);

    Task<Run> UpdateRunAsync(RunId id, RunUpdate update, CancellationToken ct);

    Task DeleteRunAsync(RunId id, CancellationToken ct);

    Task RestoreRunAsync(RunId id, CancellationToken ct);

    /// <summary>Permanent delete of a soft-deleted run and everything logged to it.</summary>
    Task PurgeRunAsync(RunId id, CancellationToken ct);

    /// <summary>
    /// Appends metrics, writes params once (the same value again is a no-op, another value is a
    /// conflict naming the key) and sets tags, all in one transaction: all or nothing.
    /// </summary>
    Task LogBatchAsync(RunId id, LogBatch batch, CancellationToken ct);

    /// <summary>
    /// One page of the points of one metric, in step order, then timestamp order
    /// (<see cref="TrackingStoreExtensions.GetMetricHistoryAsync"/> reads them all).
    /// </summary>
    Task<Page<Metric>> GetMetricHistoryPageAsync(RunId id, string key, int maxResults, string? pageToken, CancellationToken ct);

    /// <summary>Records dataset inputs; the same (name, digest, context) twice is kept once.</summary>
    Task LogInputsAsync(RunId id, IReadOnlyList<DatasetInput> inputs, CancellationToken ct);

    Task<Page<Run>> SearchRunsAsync(RunSearch search, CancellationToken ct);
}
